package io.crashwatch.loadgen.sim;

import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.AvroDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The SRE alerts that fired during a run, read from the alerts topic with {@code read_committed}:
 * what a rollout's {@code expect-alerts} is checked against. Alerts of other fleets on a shared
 * cluster, and alerts that fired before the run, are not this run's.
 */
final class AlertLog implements AutoCloseable {
  /** One alert that fired, its fleet as the scenario names it (null: it names none, e.g. UNTRUSTED_EVIDENCE). */
  record Fired(String kind, String fleet, String target) {
    @Override
    public String toString() {
      return kind + (fleet == null ? "" : " " + fleet) + (target == null ? "" : " " + target);
    }
  }

  private final KafkaConsumer<String, SreAlert> consumer;
  private final Map<String, String> fleetBySentId;
  private final Instant since;
  private final Set<Fired> fired = new LinkedHashSet<>();
  private final Thread thread;

  AlertLog(Map<String, Object> clientConfig, String topic, Map<String, String> fleetBySentId, Instant since) {
    this.fleetBySentId = Map.copyOf(fleetBySentId);
    this.since = since;
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put("specific.avro.reader", true);
    AvroDeserializer<SreAlert> values = new AvroDeserializer<>();
    values.configure(config, false);
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions); // no group: every run reads the topic from its own start
    Map<TopicPartition, Long> at = new HashMap<>();
    partitions.forEach(p -> at.put(p, since.toEpochMilli()));
    consumer.offsetsForTimes(at).forEach((p, offset) -> {
      if (offset == null) {
        consumer.seekToEnd(List.of(p));
      } else {
        consumer.seek(p, offset.offset());
      }
    });
    thread = new Thread(this::poll, "alert-log");
    thread.setDaemon(true);
    thread.start();
  }

  private void poll() {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> {
          SreAlert alert = r.value();
          if (alert != null && alert.getStatus() == AlertStatus.FIRING && r.timestamp() >= since.toEpochMilli()) {
            String sent = alert.getLabels().get("fleet");
            String fleet = sent == null ? null : fleetBySentId.getOrDefault(sent, sent);
            synchronized (fired) {
              fired.add(new Fired(alert.getKind().name(), fleet, alert.getTarget()));
            }
          }
        });
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } finally {
      consumer.close();
    }
  }

  List<Fired> fired() {
    synchronized (fired) {
      return List.copyOf(fired);
    }
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }
}
