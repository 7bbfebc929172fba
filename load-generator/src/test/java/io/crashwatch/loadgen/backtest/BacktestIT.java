package io.crashwatch.loadgen.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.loadgen.TestDetectorSettings;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.sim.ScenarioReport;
import io.crashwatch.loadgen.sim.ScenarioRunner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scenario played live on a real broker and detector, then backtested from the topics it left: with
 * the same settings the backtest halts what the live detector halted, no more and no less, at nearly the
 * same moments; with a stricter rule it names the halts that rule would have lost.
 */
class BacktestIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path stateDir;

  /** A scenario played live: the detector's settings and the span it covered. */
  private record Played(Map<String, String> settings, Instant from, Instant to, ScenarioReport report) {}

  private Played play(Path file) throws Exception {
    Scenario scenario = ScenarioParser.parse(file);
    String run = "backtest-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> settings = TestDetectorSettings.valuesForRun(CLUSTER, run, stateDir, scenario.detectorSettings());
    Instant from = Instant.now();
    ScenarioReport live;
    try (Detector detector = Detector.start(DetectorSettings.from(settings))) {
      detector.awaitRunning(Duration.ofSeconds(60));
      live = ScenarioRunner.run(scenario, Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
          "schema.registry.url", CLUSTER.schemaRegistryUrl()), DetectorSettings.from(settings).topics(),
          TestDetectorSettings.keys(stateDir, DetectorSettings.from(settings)), null, progress -> { });
    }
    assertThat(live.falseHalts() + live.missedHalts()).as("the live run's own verdict").isZero();
    return new Played(settings, from, Instant.now(), live);
  }

  /**
   * The backtest with the live settings made the same HALTs as the live detector, and nothing else: the same
   * targets, each at the tipping record's time, where the live detector decided once it had processed that
   * record. So the backtest is never later (a second's room for the order records of one moment are merged
   * in), and earlier by the live detector's lag: 0.07 to 0.5 s measured on an idle machine, 8 s with a demo
   * running beside it, hence a generous bound.
   */
  private static BacktestReport assertSameAsLive(Played played) {
    BacktestReport same = Backtest.run(played.settings(), Map.of(), played.from(), played.to(), null, progress -> { });
    System.out.println(same.summary());
    assertThat(same.halts().onlyBacktest()).as("halts only the backtest made").isEmpty();
    assertThat(same.halts().onlyLive()).as("halts only the live detector made").isEmpty();
    assertThat(same.halts().same()).allSatisfy(m ->
        assertThat(m.backtestLaterMs()).as("%s: backtest later than live, ms", m.target()).isBetween(-30_000L, 1_000L));
    assertThat(same.alerts().onlyBacktest()).as("alerts only the backtest made").isEmpty();
    assertThat(same.alerts().onlyLive()).as("alerts only the live detector made").isEmpty();
    assertThat(same.recordsRead().values().stream().mapToLong(Long::longValue).sum())
        .as("records read: every event the scenario produced, and its deployments")
        .isGreaterThanOrEqualTo(played.report().eventsProduced());
    return same;
  }

  @Test
  void shouldHaltWhatTheLiveDetectorHaltedAndNameWhatAStricterRuleLoses() throws Exception {
    Played played = play(Path.of("src/test/resources/scenarios-short/two-fleets.yaml"));
    Map<String, String> settings = played.settings();
    String run = settings.get("application.id");
    Instant from = played.from();
    Instant to = played.to();

    Map<String, Object> before = production(run);
    BacktestReport same = assertSameAsLive(played);
    List<String> liveTargets = same.halts().same().stream().map(BacktestReport.Match::target).toList();
    assertThat(liveTargets).as("halted live and in the backtest").contains("east-stores/sensor/7.12.18401",
        "west-stores/sensor/7.12.18401", "*/sensor/7.12.18401");

    // A stricter alpha needs more evidence: each HALT comes later, or not at all. Which, depends on how far the
    // live run's rollout got before its HALT stopped it.
    BacktestReport stricter = Backtest.run(settings, Map.of("alpha", "1e-30"), from, to, null, progress -> { });
    System.out.println(stricter.summary());
    assertThat(stricter.tried()).containsEntry("alpha", "1e-30");
    assertThat(stricter.halts().onlyBacktest()).isEmpty();
    Map<String, Long> sameAt = new HashMap<>();
    same.halts().same().forEach(m -> sameAt.put(m.target(), m.backtestLaterMs()));
    assertThat(stricter.halts().same()).allSatisfy(m ->
        assertThat(m.backtestLaterMs()).as("%s with a stricter alpha", m.target()).isGreaterThan(sameAt.get(m.target())));
    // More failed devices than the canary has: every halt is lost, and the report names each.
    BacktestReport unreachable = Backtest.run(settings, Map.of("min-devices", "100000"), from, to, null, progress -> { });
    assertThat(unreachable.halts().onlyLive()).extracting(Decision::target).containsExactlyInAnyOrderElementsOf(liveTargets);
    assertThat(unreachable.halts().same()).isEmpty();
    assertThat(production(run)).as("every topic's end, every consumer group and every registry subject after three backtests")
        .isEqualTo(before);

    // Retention took the first records of a heartbeat partition: the span now starts before what is kept.
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers()))) {
      TopicPartition first = new TopicPartition(run + ".heartbeats", 0);
      admin.deleteRecords(Map.of(first, RecordsToDelete.beforeOffset(10))).all().get();
    }
    BacktestReport gap = Backtest.run(settings, Map.of(), from, to, null, progress -> { });
    assertThat(gap.warnings()).singleElement().asString().startsWith(run + ".heartbeats keeps records from ");
    assertThat(same.warnings()).isEmpty();
  }

  /**
   * Full-length scenarios of real fleets: operator steps signed and checked for staleness against the wall
   * clock, laptops asleep for longer than dark-after, clocks skewed. The backtest's timers must behave as live.
   */
  @Tag("slow")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"july-19-resumed", "sleeping-laptops", "skewed-clocks"})
  void shouldDecideAsLiveOnFullScenarios(String name) throws Exception {
    assertSameAsLive(play(Path.of("scenarios", name + ".yaml")));
  }

  /** What a backtest must never change: the topics' ends, the consumer groups, the registry's subjects. */
  private static Map<String, Object> production(String run) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers()))) {
      Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(topics).allTopicNames().get().forEach((name, d) ->
          d.partitions().forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      Map<String, Long> ends = new TreeMap<>();
      admin.listOffsets(latest).all().get().forEach((tp, o) -> ends.put(tp.toString(), o.offset()));
      List<String> groups = admin.listGroups().all().get().stream().map(GroupListing::groupId).sorted().toList();
      HttpResponse<String> subjects = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(CLUSTER.schemaRegistryUrl() + "/subjects")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ends.keySet()).anyMatch(tp -> tp.startsWith(run + ".heartbeats"));
      return Map.of("ends", ends, "groups", groups, "subjects", subjects.body());
    }
  }
}
