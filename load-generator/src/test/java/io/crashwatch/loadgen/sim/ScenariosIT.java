package io.crashwatch.loadgen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.loadgen.RunAlerts;
import io.crashwatch.loadgen.TestDetectorSettings;
import io.crashwatch.loadgen.scenario.Expect;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Shortened copies of the shipped scenarios, end to end on one shared broker and registry with the
 * real detector: each report must match its expectations — every bad rollout halted, no healthy one.
 */
class ScenariosIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path stateDir;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"july-19", "july-19-unstaged", "healthy-rollout", "slow-burn", "noisy-fleet",
      "network-incident", "two-fleets", "late-reports", "slow-burn-stragglers", "outage-after-push",
      "incident-as-wave-lands", "july-19-resumed", "shadow-fleet"})
  void shouldMatchTheScenariosExpectations(String name) throws Exception {
    play(name);
  }

  /**
   * The devices of real fleets — asleep, with skewed clocks, rolled back, long established, with
   * modules named — in the slow profile, which .ci/run also runs: the default build stays within budget.
   */
  @Tag("slow")
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"sleeping-laptops", "skewed-clocks", "rollback-and-reroll", "spike-after-bake",
      "blame-the-change"})
  void shouldMatchTheRealFleetScenariosExpectations(String name) throws Exception {
    play(name);
  }

  private void play(String name) throws Exception {
    Scenario scenario = ScenarioParser.parse(Path.of("src/test/resources/scenarios-short", name + ".yaml"));
    String run = name + "-" + UUID.randomUUID().toString().substring(0, 8);
    DetectorSettings settings = TestDetectorSettings.forRun(CLUSTER, run, stateDir, scenario.detectorSettings());

    ScenarioReport report;
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      report = ScenarioRunner.run(scenario, Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
          "schema.registry.url", CLUSTER.schemaRegistryUrl()), settings.topics(), TestDetectorSettings.keys(stateDir, settings), null,
          progress -> { });
    }

    System.out.println(report.toJsonString());
    assertThat(report.falseHalts()).as("false halts").isZero();
    assertThat(report.missedHalts()).as("missed halts").isZero();
    assertThat(report.missedAlerts()).as("expected alerts that never fired").isEmpty();
    assertThat(report.alerts()).as("no outage, no lag: telemetry flows and the detector keeps up")
        .noneMatch(a -> a.kind().equals("TELEMETRY_OUTAGE"));
    assertThat(report.eventsProduced()).isPositive();
    for (RolloutProgress r : report.rollouts()) {
      if (r.expect() == Expect.HALT && r.bad() && r.haltLatencyMs() != null) {
        // A halt stops the rollout: far from every device of the fleet got the bad version.
        assertThat(r.installed()).as("devices installed before the halt of %s", r.fleet())
            .isLessThan(scenario.fleets().stream().filter(f -> f.id().equals(r.fleet())).findFirst().orElseThrow().devices());
      }
    }
    if (name.equals("july-19-resumed")) {
      assertThat(report.rollouts()).singleElement().satisfies(r ->
          assertThat(r.halts()).as("halted, resumed by a person, halted again").containsExactly("FLEET", "FLEET"));
    }
    if (name.equals("shadow-fleet")) {
      // Through the client library: the shadow fleet's rollout ran to every device, the enforced one stopped.
      assertThat(report.rollouts()).filteredOn(r -> r.fleet().equals("west-stores")).singleElement().satisfies(r -> {
        assertThat(r.isHalted()).isFalse();
        assertThat(r.installed()).isEqualTo(800);
      });
      assertThat(report.rollouts()).filteredOn(r -> r.fleet().equals("east-stores")).singleElement().satisfies(r -> {
        assertThat(r.haltedBy()).isEqualTo("FLEET");
        assertThat(r.installed()).isLessThan(800);
      });
      assertThat(report.haltedTargets()).as("enforced HALTs: the east fleet's, nothing globally")
          .containsExactly("east-stores/sensor/7.12.18401");
      assertThat(report.alerts()).as("the detector did decide in the shadow fleet, and said so")
          .extracting(AlertLog.Fired::toString).contains("ROLLOUT_HALTED west-stores west-stores/sensor/7.12.18401");
      // The fleet is unprotected from the detector's start, before the run: on call is told then.
      assertThat(RunAlerts.read(CLUSTER, settings.topics().alerts())).extracting(r -> r.value().getAlertId())
          .contains("fleet-shadow/west-stores");
    }
    if (name.equals("two-fleets")) {
      assertThat(report.rollouts()).filteredOn(r -> r.fleet().equals("north-stores")).singleElement().satisfies(r -> {
        assertThat(r.haltedBy()).isEqualTo("GLOBAL");
        assertThat(r.installed()).isZero();
      });
    }
  }
}
