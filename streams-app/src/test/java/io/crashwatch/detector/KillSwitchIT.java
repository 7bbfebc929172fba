package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Evidence;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The halt path end to end on a real broker, exactly once: a bad rollout's events in, and the detector
 * killed three times in a row while its HALT sits in an open transaction (written to the broker, not
 * yet committed; see {@link HaltOnKillSwitchAck}). Each restart must abort that transaction and decide
 * again from committed state; a fourth detector, not killed on the HALT, commits it. That one is then
 * killed with SIGKILL, and a fifth must remember the HALT while the fleet keeps failing; it escalates
 * to the global target and takes an operator RESUME from the command line. A rollout service reading
 * read_committed sees exactly one HALT per target, with evidence counting each failed device once; a
 * read_uncommitted reader shows the aborted HALTs were really written.
 */
class KillSwitchIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  private static final int KILLS = 3;
  private static final String FLEET_A = "fleet-a/channel-291/r41";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run leaves the detectors' logs to read
  Path dir;

  private final String run = "ks-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, String> topicSettings = new HashMap<>();
  private Topics topics;

  @Test
  void shouldEmitExactlyOneHaltPerTargetWhenKilledWithTheHaltUncommitted() throws Exception {
    topicSettings.putAll(TopicNames.settingsUnder(run));
    topics = Topics.create(TopicNames.from(topicSettings), Map.of("schema.registry.url", CLUSTER.schemaRegistryUrl()));
    // Every detector shares one state.dir, as a restarted pod keeps its volume: the process id stored
    // there keeps the transactional ids, so a restart fences its killed predecessor at once and aborts
    // its open transaction instead of waiting for the transaction timeout.
    List<String> settings = new ArrayList<>(List.of(
        "application.id=" + run,
        "state.dir=" + dir.resolve("state"),
        "topic-partitions=2",
        "min-fleet-age=0s", // the fleets are seconds old: their trips must still make the GLOBAL halt
        "operator-public-keys=" + TestKeys.operatorPublicKeyFile(),
        // A killed member's partitions move after the session timeout: keep it short for the test.
        "consumer.session.timeout.ms=6000"));
    topicSettings.forEach((k, v) -> settings.add(k + "=" + v));
    List<String> killedOnAck = new ArrayList<>(settings);
    killedOnAck.add("producer.interceptor.classes=" + HaltOnKillSwitchAck.class.getName());
    killedOnAck.add("producer." + HaltOnKillSwitchAck.TOPIC + "=" + topics.killSwitch.name());
    Map<String, String> env = Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", CLUSTER.bootstrapServers(),
        "KAFKA_SCHEMA_REGISTRY_URL", CLUSTER.schemaRegistryUrl());

    List<ConsumerRecord<String, KillSwitchCommand>> seen = new ArrayList<>();
    try (KafkaConsumer<String, KillSwitchCommand> killSwitch = killSwitchConsumer();
         KafkaProducer<String, SpecificRecord> producer = producer()) {
      try (DetectorProcess first = DetectorProcess.start(dir, "killed-1", killedOnAck, env).awaitReady()) {
        badRollout(first, producer, "fleet-a", 0);
        awaitKilledOnAck(first);
      }
      // No new input: each restart replays the same uncommitted work, decides the same HALT and dies
      // again. It is not awaited ready: it may die before its health check ever answers.
      for (int i = 2; i <= KILLS; i++) {
        try (DetectorProcess next = DetectorProcess.start(dir, "killed-" + i, killedOnAck, env)) {
          awaitKilledOnAck(next);
        }
      }

      try (DetectorProcess survivor = DetectorProcess.start(dir, "survivor", settings, env).awaitReady()) {
        awaitHalts(killSwitch, seen, 1);
        survivor.process.destroyForcibly(); // SIGKILL, now that the HALT is committed
        await().atMost(Duration.ofSeconds(30)).until(() -> !survivor.process.isAlive());
      }
      // While it is down, fleet-a keeps failing: the restarted detector must remember it halted it.
      crashes(producer, "fleet-a", 0, 5, 5);

      try (DetectorProcess restarted = DetectorProcess.start(dir, "restarted", settings, env).awaitReady()) {
        badRollout(restarted, producer, "fleet-b", 1000);
        awaitHalts(killSwitch, seen, 3);

        Path config = dir.resolve("operator.properties");
        List<String> operatorSettings = new ArrayList<>(settings);
        operatorSettings.add("bootstrap.servers=" + CLUSTER.bootstrapServers());
        operatorSettings.add("schema.registry.url=" + CLUSTER.schemaRegistryUrl());
        Files.write(config, operatorSettings);
        // No --halt: the command line reads the HALT that stands from the kill switch, as an operator would rely on.
        int exit = new CommandLine(new OperatorMain()).execute("resume", FLEET_A,
            "--reason", "rolled back by hand", "--actor", "it", "--key", TestKeys.operatorKeyFile(), "--config", config.toString());
        assertThat(exit).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          killSwitch.poll(Duration.ofMillis(200)).forEach(seen::add);
          return seen.stream().anyMatch(r -> r.value().getAction() == KillSwitchAction.RESUME);
        });
      }
    }

    List<ConsumerRecord<String, KillSwitchCommand>> committed = readAll("read_committed");
    List<ConsumerRecord<String, KillSwitchCommand>> written = readAll("read_uncommitted");

    // The aborted HALTs are on the broker: each killed detector's, plus the one committed. Without them
    // the kills would have come after a commit, and this test would test restore, not exactly-once.
    List<KillSwitchCommand> writtenHalts = halts(written, FLEET_A);
    assertThat(writtenHalts).hasSizeGreaterThanOrEqualTo(KILLS + 1);
    Map<String, Long> halts = new HashMap<>();
    committed.stream().filter(r -> r.value().getAction() == KillSwitchAction.HALT).forEach(r -> halts.merge(r.key(), 1L, Long::sum));
    assertThat(halts).containsExactlyInAnyOrderEntriesOf(Map.of(
        FLEET_A, 1L, "fleet-b/channel-291/r41", 1L, "*/channel-291/r41", 1L));
    KillSwitchCommand halt = halts(committed, FLEET_A).get(0);
    // Every replay made the same decision: one commandId, on which consumers de-duplicate.
    assertThat(writtenHalts).extracting(KillSwitchCommand::getCommandId).containsOnly(halt.getCommandId());
    // After three replays the evidence counts each of the five canary crashes produced before the HALT
    // exactly once: state kept from an aborted transaction could count a device twice, state lost with
    // one could count fewer.
    Evidence evidence = halt.getEvidence();
    assertThat(evidence.getFailedDevices()).isEqualTo(5);
    assertThat(evidence.getCrashedDevices()).isEqualTo(5);
    assertThat(evidence.getDevicesOnVersion()).isEqualTo(10);
    assertThat(writtenHalts).extracting(h -> h.getEvidence().getFailedDevices()).containsOnly(5L);

    assertThat(committed).filteredOn(r -> r.key().startsWith("*")).singleElement()
        .satisfies(r -> assertThat(r.value().getScope()).isEqualTo(Scope.GLOBAL));
    assertThat(committed).filteredOn(r -> r.value().getAction() == KillSwitchAction.RESUME).singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo(FLEET_A));
  }

  /** The detector dies by {@link HaltOnKillSwitchAck}'s exit code, not by anything else. */
  private static void awaitKilledOnAck(DetectorProcess detector) throws Exception {
    await().atMost(Duration.ofSeconds(90)).until(() -> !detector.process.isAlive());
    assertThat(detector.process.exitValue()).as("exit code of %s; its output:%n%s", detector.log, detector.output())
        .isEqualTo(HaltOnKillSwitchAck.EXIT_CODE);
  }

  private static List<KillSwitchCommand> halts(List<ConsumerRecord<String, KillSwitchCommand>> records, String target) {
    return records.stream().filter(r -> r.key().equals(target) && r.value().getAction() == KillSwitchAction.HALT)
        .map(ConsumerRecord::value).toList();
  }

  /**
   * 200 devices on r40, a 5% canary takes r41, five of the canary devices crash. The canary starts once
   * the detector has counted the whole fleet, as a real fleet is known long before a rollout: the two
   * heartbeat partitions' tasks reach fleet statistics in any order, and a device first counted after
   * the rollout began is left out of its test, which would then miss one of the five crashes.
   */
  private void badRollout(DetectorProcess detector, KafkaProducer<String, SpecificRecord> producer, String fleet, int from)
      throws Exception {
    for (int i = from; i < from + 200; i++) {
      producer.send(heartbeat(fleet, i, "r40", HeartbeatReason.PERIODIC));
    }
    producer.flush();
    URI versions = URI.create("http://127.0.0.1:" + detector.port + "/api/v1/fleets/" + fleet + "/components/channel-291/versions");
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
      JsonNode answer = new ObjectMapper().readTree(HttpClient.newHttpClient()
          .send(HttpRequest.newBuilder(versions).build(), HttpResponse.BodyHandlers.ofString()).body());
      return answer.path("devices").asInt() == 200;
    });
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

  /** The whole kill-switch topic as a consumer of this isolation level sees it now. */
  private List<ConsumerRecord<String, KillSwitchCommand>> readAll(String isolation) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<ConsumerRecord<String, KillSwitchCommand>> records = new ArrayList<>();
    try (KafkaConsumer<String, KillSwitchCommand> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
        topics.killSwitch.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topics.killSwitch.name()).stream()
          .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // read_committed: up to the last stable offset; read_uncommitted: up to the high watermark.
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    return records;
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
