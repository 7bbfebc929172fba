package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.killswitch.KillSwitchListener;
import io.crashwatch.killswitch.KillSwitchStatus;
import io.crashwatch.killswitch.KillSwitchView;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.serde.AvroSerializer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rollout service follows the detector's lease on a real broker: PROCEED while the detector runs and
 * reads its input, UNKNOWN — a paused rollout — once the detector is killed and its lease runs out,
 * PROCEED again when a detector is back. Without the lease, a dead detector reads as "fine" forever.
 */
class KillSwitchLeaseIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);
  private static final Duration LEASE = HEARTBEAT_INTERVAL.multipliedBy(3);

  @TempDir
  Path dir;

  private final String run = "lease-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void shouldPauseRolloutsWhileTheDetectorIsDownAndNotBefore() throws Exception {
    Map<String, String> topicSettings = new HashMap<>();
    topicSettings.putAll(TopicNames.settingsUnder(run));
    TopicNames names = TopicNames.from(topicSettings);
    List<String> settings = new ArrayList<>(List.of("application.id=" + run, "state.dir=" + dir.resolve("state"),
        "topic-partitions=2", "heartbeat-interval=" + HEARTBEAT_INTERVAL.toSeconds() + "s",
        "consumer.session.timeout.ms=6000"));
    topicSettings.forEach((k, v) -> settings.add(k + "=" + v));
    Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", CLUSTER.bootstrapServers(),
        "KAFKA_SCHEMA_REGISTRY_URL", CLUSTER.schemaRegistryUrl());
    Map<String, Object> client = Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
        "schema.registry.url", CLUSTER.schemaRegistryUrl());

    ScheduledExecutorService fleet = Executors.newSingleThreadScheduledExecutor();
    try (KafkaProducer<String, SpecificRecord> producer = producer(client)) {
      try (DetectorProcess detector = DetectorProcess.start(dir, "first", settings, env).awaitReady();
           KillSwitchListener listener = new KillSwitchListener(client, names.killSwitch(), names.killSwitchLease(),
               TestKeys.verifier(), (target, command) -> { })) {
        // The fleet heartbeats throughout, on both partitions: the detector has input to be caught up on.
        fleet.scheduleAtFixedRate(() -> heartbeats(producer, names.heartbeats()), 0, 200, TimeUnit.MILLISECONDS);
        KillSwitchView view = listener.view();
        await("leased").atMost(Duration.ofSeconds(60)).until(() -> proceeds(view));

        detector.process.destroyForcibly(); // SIGKILL: no goodbye, its lease simply stops being renewed
        await("paused once the lease ran out").atMost(LEASE.plus(KillSwitchListener.DEFAULT_CLOCK_TOLERANCE).plusSeconds(10))
            .until(() -> status(view) == KillSwitchStatus.UNKNOWN);
        assertThat(listener.view().leaseAgeMs()).isGreaterThan(LEASE.toMillis());

        try (DetectorProcess restarted = DetectorProcess.start(dir, "restarted", settings, env).awaitReady()) {
          await("leased again").atMost(Duration.ofSeconds(60)).until(() -> proceeds(view));
        }
      }
    } finally {
      fleet.shutdownNow();
    }
  }

  private static KillSwitchStatus status(KillSwitchView view) {
    return view.status("fleet-a", "channel-291", "r41");
  }

  private static boolean proceeds(KillSwitchView view) {
    return status(view) == KillSwitchStatus.PROCEED;
  }

  private static void heartbeats(KafkaProducer<String, SpecificRecord> producer, String topic) {
    for (int i = 0; i < 10; i++) {
      String device = "device-" + i;
      producer.send(new ProducerRecord<>(topic, device, Heartbeat.newBuilder()
          .setDeviceId(device).setFleetId("fleet-a").setSentAt(Instant.now()).setBootId("boot").setUptimeMs(1)
          .setOsBuild("10.0.19045").setComponents(Map.of("channel-291", "r40"))
          .setReason(HeartbeatReason.PERIODIC).build()));
    }
  }

  private static KafkaProducer<String, SpecificRecord> producer(Map<String, Object> client) {
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(client, false);
    return new KafkaProducer<>(Map.of("bootstrap.servers", client.get("bootstrap.servers")), new StringSerializer(), values);
  }
}
