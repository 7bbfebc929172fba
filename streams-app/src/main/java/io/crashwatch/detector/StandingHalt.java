package io.crashwatch.detector;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The HALT a RESUME lifts, when the operator does not name it: the commandId of the latest command the
 * kill switch holds for the target, read committed from the start. Nothing here is trusted: the detector
 * acts on the RESUME only if that HALT is the one that stands, so a forged record read here at worst
 * makes the RESUME do nothing.
 */
final class StandingHalt {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private StandingHalt() {
  }

  /** @return the standing HALT's commandId; empty when the target's latest command is not a HALT */
  static Optional<String> of(DetectorSettings settings, Topics topics, String target) throws IOException {
    Properties p = new Properties();
    p.putAll(settings.kafka());
    p.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(): no group, no group ACL
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    String topic = topics.killSwitch.name();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, READ_TIMEOUT).stream()
          .map(info -> new TopicPartition(topic, info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      KillSwitchCommand latest = null;
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IOException("could not read " + topic + " to its end within " + READ_TIMEOUT.toSeconds()
              + " s to find the HALT of " + target + "; name it with --halt");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (target.equals(r.key()) && r.value() != null) {
            try {
              latest = topics.killSwitch.valueSerde().deserializer().deserialize(topic, r.value());
            } catch (RuntimeException e) {
              // someone else's bytes under this key: not the detector's command
            }
          }
        }
      }
      return latest != null && latest.getAction() == KillSwitchAction.HALT && !latest.getShadow()
          ? Optional.of(latest.getCommandId()) : Optional.empty();
    }
  }
}
