package io.crashwatch.loadgen.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.killswitch.KillSwitchListener;
import io.crashwatch.loadgen.RunAlerts;
import io.crashwatch.loadgen.TestDetectorSettings;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.bench.ChildDetector;
import io.crashwatch.loadgen.bench.GroupProgress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three detector processes share 12 heartbeat partitions, one stream thread each, with the deployment's
 * failover settings (the defaults: a standby of every task, a 10 s session; and static membership, as the
 * StatefulSet gives each pod its name). Slow: each plays a whole scenario.
 */
@Tag("slow")
class SeveralInstancesIT {
  private static final int PARTITIONS = 12;
  private static final long KILL_AT_MS = 24_000;
  private static final long STOP_AT_MS = 45_000;
  /** Sampling of the group's progress, and the time a lease takes to reach a client: on top of lease and tolerance. */
  private static final long SLACK_MS = 1_000;

  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir(cleanup = CleanupMode.ON_SUCCESS) // a failed run leaves the detectors' logs to read
  Path dir;

  /**
   * july-19's bad r41 and a healthy sensor build roll out to two fleets; one detector is killed (SIGKILL)
   * 4 s into the rollouts, another stopped cleanly (SIGTERM) later. The bad rollout is halted exactly once,
   * the healthy one not at all, TELEMETRY_OUTAGE never fires, and no device installs while a partition has
   * gone unprocessed longer than a lease: the rollout services paused instead (lease stale: UNKNOWN).
   * Without that pause (checked by switching it off) devices install while partitions go unprocessed.
   */
  @Test
  void shouldHaltTheBadRolloutOnceAndPauseRolloutsWhileInstancesGoAway() throws Exception {
    Run given = prepare("src/test/resources/scenarios-instances/july-19-two-fleets.yaml");
    Scenario scenario = given.scenario();
    String run = given.run();
    Map<String, String> values = given.values();
    DetectorSettings settings = given.settings();
    long leaseMs = settings.rules().leaseDuration().toMillis();
    long blindAfterMs = leaseMs + KillSwitchListener.DEFAULT_CLOCK_TOLERANCE.toMillis() + SLACK_MS;

    List<ChildDetector> detectors = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
      startThree(values, run, admin, detectors);

      List<TopicPartition> heartbeats = IntStream.range(0, PARTITIONS)
          .mapToObj(p -> new TopicPartition(settings.topics().heartbeats(), p)).toList();
      ScenarioReport report;
      try (GroupProgress progress = new GroupProgress(admin, run, heartbeats, Duration.ofMillis(250))) {
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean stopped = new AtomicBoolean();
        long[] lastCall = {System.currentTimeMillis()};
        List<String> simulatorPauses = new java.util.concurrent.CopyOnWriteArrayList<>();
        Consumer<Progress> view = p -> {
          long now = System.currentTimeMillis();
          if (now - lastCall[0] > 2_000) { // called every 500 ms: the simulation's thread stood still
            simulatorPauses.add((now - lastCall[0]) + " ms before " + now);
          }
          lastCall[0] = now;
          if (p.elapsedMs() >= KILL_AT_MS && killed.compareAndSet(false, true)) {
            CompletableFuture.runAsync(() -> quietly(detectors.get(1)::kill));
          }
          if (p.elapsedMs() >= STOP_AT_MS && stopped.compareAndSet(false, true)) {
            CompletableFuture.runAsync(() -> quietly(detectors.get(2)::close));
          }
        };
        report = ScenarioRunner.run(scenario, Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
            "schema.registry.url", CLUSTER.schemaRegistryUrl()), settings.topics(), TestDetectorSettings.keys(dir, settings),
            null, view);
        assertThat(killed).isTrue();
        assertThat(stopped).isTrue();
        System.out.println(report.toJsonString());
        System.out.println("simulator pauses: " + simulatorPauses);
        printAlerts(settings);

        List<GroupProgress.Stall> blind = progress.stalls().stream()
            .filter(s -> s.lastedMs(System.currentTimeMillis()) > blindAfterMs).toList();
        System.out.println("stalls longer than lease + tolerance + slack: " + blind);
        assertThat(blind).as("the instances that went away left partitions unprocessed for longer than a lease").isNotEmpty();
        for (RolloutProgress r : report.rollouts()) {
          for (long installedAt : r.installTimesMs()) {
            assertThat(blind).as("%s/%s installed at %d while a partition had gone unprocessed longer than a lease",
                r.fleet(), r.version(), installedAt).noneMatch(s -> installedAt > s.fromMs() + blindAfterMs
                && (s.toMs() < 0 || installedAt < s.toMs() - SLACK_MS));
          }
        }
        assertThat(report.rollouts()).as("rollouts paused while the detector could not vouch for them")
            .anyMatch(r -> r.pausedDevices() > 0);
      }

      assertThat(report.falseHalts()).as("false halts").isZero();
      assertThat(report.missedHalts()).as("missed halts").isZero();
      RolloutProgress bad = rollout(report, "airline-ops");
      assertThat(bad.halts()).as("halted once, by its fleet's evidence").containsExactly("FLEET");
      assertThat(bad.installed()).as("hosts that installed r41 before the halt").isLessThan(5_000 / 4);
      assertThat(killSwitchRecords(settings)).as("one command on the kill switch").containsOnly(Map.entry("airline-ops/channel-291/r41", 1));
      assertThat(rollout(report, "hospital-frontdesk").halts()).as("the healthy build").isEmpty();
      assertThat(report.alerts()).noneMatch(a -> a.kind().equals("TELEMETRY_OUTAGE"));
    } finally {
      for (ChildDetector d : detectors) {
        d.close();
      }
    }
  }

  /**
   * With all three alive, two fleets' trips escalate to one GLOBAL halt, though each fleet's statistics may
   * live on another instance than the kill switch's decision: each target is commanded once.
   */
  @Test
  void shouldHaltEachFleetOnceAndTheThirdByTheGlobalHalt() throws Exception {
    Run given = prepare("scenarios/two-fleets.yaml");
    Scenario scenario = given.scenario();
    String run = given.run();
    Map<String, String> values = given.values();
    DetectorSettings settings = given.settings();
    List<ChildDetector> detectors = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
      startThree(values, run, admin, detectors);

      ScenarioReport report = ScenarioRunner.run(scenario, Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
          "schema.registry.url", CLUSTER.schemaRegistryUrl()), settings.topics(), TestDetectorSettings.keys(dir, settings),
          null, p -> { });
      System.out.println(report.toJsonString());
      printAlerts(settings);

      assertThat(report.falseHalts()).as("false halts").isZero();
      assertThat(report.missedHalts()).as("missed halts").isZero();
      assertThat(rollout(report, "north-stores").haltedBy()).isEqualTo("GLOBAL");
      assertThat(killSwitchRecords(settings)).as("each target commanded once").containsOnly(
          Map.entry("east-stores/sensor/7.12.18401", 1), Map.entry("west-stores/sensor/7.12.18401", 1),
          Map.entry("*/sensor/7.12.18401", 1));
      assertThat(report.alerts()).noneMatch(a -> a.kind().equals("TELEMETRY_OUTAGE"));
    } finally {
      for (ChildDetector d : detectors) {
        d.close();
      }
    }
  }

  /** A run of a scenario: its own topics and group, 12 partitions, one stream thread a detector. */
  private record Run(Scenario scenario, String run, Map<String, String> values, DetectorSettings settings) {
  }

  private Run prepare(String scenarioFile) throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of(scenarioFile));
    String run = "instances-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> values = TestDetectorSettings.valuesForRun(CLUSTER, run, dir, scenario.detectorSettings());
    values.put("topic-partitions", Integer.toString(PARTITIONS));
    values.put("num.stream.threads", "1");
    return new Run(scenario, run, values, DetectorSettings.from(values));
  }

  /** The first creates the topics; the others join it; then the group settles with all three. */
  private void startThree(Map<String, String> values, String run, Admin admin, List<ChildDetector> detectors) throws Exception {
    detectors.add(start(values, run, 0));
    detectors.get(0).awaitReady(Duration.ofMinutes(2));
    detectors.add(start(values, run, 1));
    detectors.add(start(values, run, 2));
    for (ChildDetector d : detectors) {
      d.awaitReady(Duration.ofMinutes(2));
    }
    await().atMost(Duration.ofMinutes(2)).until(() -> {
      var group = admin.describeConsumerGroups(List.of(run)).all().get().get(run);
      return group.groupState() == GroupState.STABLE && group.members().size() == 3;
    });
  }

  /** Each detector's settings, state and log stay in target/several-instances/RUN for a look after a failure. */
  private ChildDetector start(Map<String, String> values, String run, int n) throws Exception {
    Path home = Files.createDirectories(Path.of("target", "several-instances", run, "detector-" + n));
    List<String> lines = new ArrayList<>();
    values.forEach((k, v) -> lines.add(k + "=" + v));
    lines.removeIf(l -> l.startsWith("state.dir=") || l.startsWith("http-port="));
    // Static membership, as the StatefulSet gives each pod its name: group.instance.id.
    lines.add("group.instance.id=" + run + "-" + n);
    lines.add("client.id=" + run + "-" + n);
    return ChildDetector.start(home, lines, "384m");
  }

  private static RolloutProgress rollout(ScenarioReport report, String fleet) {
    return report.rollouts().stream().filter(r -> r.fleet().equals(fleet)).findFirst().orElseThrow();
  }

  /** Every alert of the run with its time and summary, for a look after a failure. */
  private static void printAlerts(DetectorSettings settings) {
    for (ConsumerRecord<byte[], io.crashwatch.schemas.SreAlert> r : RunAlerts.read(CLUSTER, settings.topics().alerts())) {
      System.out.println("alert at " + r.timestamp() + ": " + r.value().getKind() + " " + r.value().getStatus() + " "
          + r.value().getSummary());
    }
  }

  /** Committed records on the kill switch by target, read raw: a second HALT of a target would be a second record. */
  private static Map<String, Integer> killSwitchRecords(DetectorSettings settings) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
        "isolation.level", "read_committed", "auto.offset.reset", "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(settings.topics().killSwitch()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      Map<String, Integer> count = new java.util.TreeMap<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          count.merge(r.key() == null ? "(no key)" : new String(r.key(), StandardCharsets.UTF_8), 1, Integer::sum);
        }
      }
      return count;
    }
  }

  private interface Action {
    void run() throws Exception;
  }

  private static void quietly(Action action) {
    try {
      action.run();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
