package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The halt path end to end on a real broker: a bad rollout's events in, HALTs out to a read_committed
 * consumer, the detector killed with SIGKILL and restarted in between, an operator RESUME from the
 * command line — and exactly one HALT per target.
 */
class KillSwitchIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path dir;

  private final String run = "ks-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, String> topicSettings = new HashMap<>();
  private Topics topics;

  @Test
  void shouldEmitExactlyOneHaltPerTargetAcrossAKilledDetector() throws Exception {
    for (String name : List.of("heartbeats", "crash-reports", "deployments", "operator-commands", "kill-switch",
        "alerts", "crash-rates", "crash-signatures", "dead-letters")) {
      topicSettings.put(name + "-topic", run + "." + name);
    }
    topics = Topics.create(TopicNames.from(topicSettings), Map.of("schema.registry.url", CLUSTER.schemaRegistryUrl()));
    List<String> settings = new ArrayList<>(List.of(
        "application.id=" + run,
        "state.dir=" + dir.resolve("state"),
        "topic-partitions=2",
        // A killed member's partitions move after the session timeout: keep it short for the test.
        "consumer.session.timeout.ms=6000"));
    topicSettings.forEach((k, v) -> settings.add(k + "=" + v));
    Map<String, String> env = Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", CLUSTER.bootstrapServers(),
        "KAFKA_SCHEMA_REGISTRY_URL", CLUSTER.schemaRegistryUrl());

    List<ConsumerRecord<String, KillSwitchCommand>> seen = new ArrayList<>();
    try (KafkaConsumer<String, KillSwitchCommand> killSwitch = killSwitchConsumer();
         KafkaProducer<String, SpecificRecord> producer = producer()) {
      try (DetectorProcess first = DetectorProcess.start(dir, "first", settings, env).awaitReady()) {
        badRollout(producer, "fleet-a", 0);
        awaitHalts(killSwitch, seen, 1);
        first.process.destroyForcibly();
        assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      // While it is down, fleet-a keeps failing: the restarted detector must remember it halted it.
      crashes(producer, "fleet-a", 0, 5, 10);

      try (DetectorProcess second = DetectorProcess.start(dir, "second", settings, env).awaitReady()) {
        badRollout(producer, "fleet-b", 1000);
        awaitHalts(killSwitch, seen, 3);

        Path config = dir.resolve("operator.properties");
        List<String> operatorSettings = new ArrayList<>(settings);
        operatorSettings.add("bootstrap.servers=" + CLUSTER.bootstrapServers());
        operatorSettings.add("schema.registry.url=" + CLUSTER.schemaRegistryUrl());
        Files.write(config, operatorSettings);
        int exit = new CommandLine(new OperatorMain()).execute(
            "resume", "fleet-a/channel-291/r41", "--reason", "rolled back by hand", "--actor", "it", "--config", config.toString());
        assertThat(exit).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          killSwitch.poll(Duration.ofMillis(200)).forEach(seen::add);
          return seen.stream().anyMatch(r -> r.value().getAction() == KillSwitchAction.RESUME);
        });
      }
    }

    Map<String, Long> halts = new HashMap<>();
    seen.stream().filter(r -> r.value().getAction() == KillSwitchAction.HALT).forEach(r -> halts.merge(r.key(), 1L, Long::sum));
    assertThat(halts).containsExactlyInAnyOrderEntriesOf(Map.of(
        "fleet-a/channel-291/r41", 1L, "fleet-b/channel-291/r41", 1L, "*/channel-291/r41", 1L));
    assertThat(seen).filteredOn(r -> r.key().startsWith("*")).singleElement()
        .satisfies(r -> assertThat(r.value().getScope()).isEqualTo(Scope.GLOBAL));
    assertThat(seen).filteredOn(r -> r.value().getAction() == KillSwitchAction.RESUME).singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo("fleet-a/channel-291/r41"));
  }

  /** 200 devices on r40, a 5% canary takes r41, five of the canary devices crash. */
  private void badRollout(KafkaProducer<String, SpecificRecord> producer, String fleet, int from) throws Exception {
    for (int i = from; i < from + 200; i++) {
      producer.send(heartbeat(fleet, i, "r40", HeartbeatReason.PERIODIC));
    }
    for (int i = from; i < from + 200; i += 20) {
      producer.send(heartbeat(fleet, i, "r41", HeartbeatReason.UPDATE_APPLIED));
    }
    producer.flush();
    crashes(producer, fleet, from, 0, 5);
  }

  private void crashes(KafkaProducer<String, SpecificRecord> producer, String fleet, int from, int first, int count)
      throws Exception {
    for (int k = first; k < first + count; k++) {
      String device = "device-" + (from + k * 20);
      producer.send(new ProducerRecord<>(topics.crashReports.name(), device, CrashReport.newBuilder()
          .setReportId(device + "-" + UUID.randomUUID()).setDeviceId(device).setFleetId(fleet).setCrashedAt(Instant.now())
          .setBugcheckCode(0x50).setFaultingModule("csagent.sys").setOsBuild("10.0.19045").build()));
    }
    producer.flush();
  }

  private ProducerRecord<String, SpecificRecord> heartbeat(String fleet, int i, String channel, HeartbeatReason reason) {
    String device = "device-" + i;
    return new ProducerRecord<>(topics.heartbeats.name(), device, Heartbeat.newBuilder()
        .setDeviceId(device).setFleetId(fleet).setSentAt(Instant.now()).setBootId("boot").setUptimeMs(1)
        .setOsBuild("10.0.19045").setComponents(Map.of("sensor", "7.11.18110", "channel-291", channel))
        .setReason(reason).build());
  }

  private void awaitHalts(KafkaConsumer<String, KillSwitchCommand> consumer,
                          List<ConsumerRecord<String, KillSwitchCommand>> seen, int targets) {
    await().atMost(Duration.ofSeconds(120)).until(() -> {
      consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
      return seen.stream().filter(r -> r.value().getAction() == KillSwitchAction.HALT).map(ConsumerRecord::key)
          .distinct().count() >= targets;
    });
  }

  private KafkaProducer<String, SpecificRecord> producer() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    io.crashwatch.serde.AvroSerializer<SpecificRecord> values = new io.crashwatch.serde.AvroSerializer<>();
    values.configure(Map.of("schema.registry.url", CLUSTER.schemaRegistryUrl()), false);
    return new KafkaProducer<>(p, new StringSerializer(), values);
  }

  private KafkaConsumer<String, KillSwitchCommand> killSwitchConsumer() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, run + "-rollout-service");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    KafkaConsumer<String, KillSwitchCommand> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        topics.killSwitch.valueSerde().deserializer());
    consumer.subscribe(List.of(topics.killSwitch.name()));
    return consumer;
  }
}
