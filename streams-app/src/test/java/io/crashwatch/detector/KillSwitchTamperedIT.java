package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.detector.topology.OperatorSignatures;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.OperatorCommand;
import io.crashwatch.schemas.SreAlert;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Someone who can write the kill-switch topic writes the detector's own old RESUME again after its
 * HALT, then a tombstone. Compaction would keep only the last record per target, and a rollout service
 * reading afresh would see no HALT. The detector reads its topic back: after each, the last record of
 * the target is its HALT again, signed, numbered after everything before, and KILL_SWITCH_TAMPERED fires.
 */
class KillSwitchTamperedIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  private static final String TARGET = "airline-ops/channel-291/r41";

  @TempDir
  Path stateDir;

  @Test
  void shouldReassertTheHaltOverAReplayedResumeAndATombstone() throws Exception {
    String run = "tampered-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> values = new HashMap<>(TopicNames.settingsUnder(run));
    values.put("bootstrap.servers", CLUSTER.bootstrapServers());
    values.put("schema.registry.url", CLUSTER.schemaRegistryUrl());
    values.put("application.id", run);
    values.put("state.dir", stateDir.toString());
    values.put("http-port", "0");
    values.put("topic-partitions", "1");
    values.put("kill-switch-signing-key", TestKeys.signingKeyFile());
    values.put("operator-public-keys", TestKeys.operatorPublicKeyFile());
    DetectorSettings settings = DetectorSettings.from(values);
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
    String killSwitch = topics.killSwitch.name();

    try (Detector detector = Detector.start(settings);
         KafkaProducer<String, byte[]> operator = new KafkaProducer<>(CLUSTER.producerConfig(),
             new StringSerializer(), new ByteArraySerializer());
         KafkaProducer<String, byte[]> attacker = new KafkaProducer<>(CLUSTER.producerConfig(),
             new StringSerializer(), new ByteArraySerializer());
         KafkaConsumer<String, byte[]> reader = reader(killSwitch)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
      for (OperatorAction action : List.of(OperatorAction.FORCE_HALT, OperatorAction.RESUME, OperatorAction.FORCE_HALT)) {
        int before = seen.size();
        String lifts = action == OperatorAction.RESUME ? commandId(topics, seen.get(seen.size() - 1)) : null;
        OperatorCommand command = OperatorCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setAction(action)
            .setTarget(TARGET).setActor("it").setReason("test").setIssuedAt(Instant.now()).setLifts(lifts).build();
        String topic = topics.operatorCommands.name();
        byte[] value = topics.operatorCommands.valueSerde().serializer().serialize(topic, command);
        RecordHeaders headers = new RecordHeaders();
        OperatorSignatures.sign(TestKeys.operator(), topic, command, value, headers);
        operator.send(new ProducerRecord<>(topic, null, TARGET, value, headers)).get();
        await().atMost(Duration.ofSeconds(60)).until(() -> poll(reader, seen) > before);
      }
      ConsumerRecord<String, byte[]> resume = seen.get(1);
      assertThat(action(topics, resume)).isEqualTo(KillSwitchAction.RESUME);

      attacker.send(new ProducerRecord<>(killSwitch, null, TARGET, resume.value(), resume.headers())).get();
      awaitHaltLast(topics, reader, seen, 5); // the replay, then the HALT written again
      attacker.send(new ProducerRecord<>(killSwitch, TARGET, null)).get();
      awaitHaltLast(topics, reader, seen, 7);

      long newest = SignatureHeaders.sequence(seen.get(seen.size() - 1).headers());
      assertThat(seen.subList(0, seen.size() - 1)).allSatisfy(r -> assertThat(r.value() == null ? 0
          : SignatureHeaders.sequence(r.headers())).isLessThan(newest));
      List<SreAlert> alerts = alerts(topics);
      assertThat(alerts).filteredOn(a -> a.getKind() == AlertKind.KILL_SWITCH_TAMPERED).hasSize(2)
          .allSatisfy(a -> assertThat(a.getTarget()).isEqualTo(TARGET));
    }
  }

  private static String commandId(Topics topics, ConsumerRecord<String, byte[]> r) {
    return topics.killSwitch.valueSerde().deserializer().deserialize(r.topic(), r.value()).getCommandId();
  }

  private static KillSwitchAction action(Topics topics, ConsumerRecord<String, byte[]> r) {
    KillSwitchCommand command = topics.killSwitch.valueSerde().deserializer().deserialize(r.topic(), r.value());
    return command.getAction();
  }

  /** Until {@code count} records are on the topic and the last is a HALT: what compaction would keep. */
  private static void awaitHaltLast(Topics topics, KafkaConsumer<String, byte[]> reader,
                                    List<ConsumerRecord<String, byte[]>> seen, int count) {
    await().atMost(Duration.ofSeconds(60)).until(() -> poll(reader, seen) >= count);
    ConsumerRecord<String, byte[]> last = seen.get(seen.size() - 1);
    assertThat(seen).hasSize(count);
    assertThat(last.value()).isNotNull();
    assertThat(action(topics, last)).isEqualTo(KillSwitchAction.HALT);
  }

  private static int poll(KafkaConsumer<String, byte[]> reader, List<ConsumerRecord<String, byte[]>> seen) {
    reader.poll(Duration.ofMillis(200)).forEach(seen::add);
    return seen.size();
  }

  private static KafkaConsumer<String, byte[]> reader(String topic) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(CLUSTER.readCommittedConsumerConfig(),
        new StringDeserializer(), new ByteArrayDeserializer());
    TopicPartition partition = new TopicPartition(topic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    return consumer;
  }

  private static List<SreAlert> alerts(Topics topics) {
    List<SreAlert> alerts = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = reader(topics.alerts.name())) {
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        poll(consumer, records);
        return records.stream().map(r -> topics.alerts.valueSerde().deserializer().deserialize(r.topic(), r.value()))
            .filter(a -> a.getKind() == AlertKind.KILL_SWITCH_TAMPERED).count() >= 2;
      });
      records.forEach(r -> alerts.add(topics.alerts.valueSerde().deserializer().deserialize(r.topic(), r.value())));
    }
    return alerts;
  }
}
