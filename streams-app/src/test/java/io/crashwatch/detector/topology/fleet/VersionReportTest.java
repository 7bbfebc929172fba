package io.crashwatch.detector.topology.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.DeviceChange.Failure;
import io.crashwatch.detector.topology.status.ComponentVersions;
import io.crashwatch.detector.topology.status.ComponentView;
import io.crashwatch.detector.topology.status.FleetView;
import io.crashwatch.detector.topology.status.Incident;
import io.crashwatch.detector.topology.status.TestResult;
import io.crashwatch.detector.topology.status.VersionAnalytics;
import io.crashwatch.detector.topology.status.VersionDevices;
import io.crashwatch.detector.topology.status.VersionStatus;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * "Why not yet" holds what it says: the number of further failures it names, at today's exposure, is the number
 * that trips the version in the real fleet statistics — one fewer does not. And the other states say why.
 */
class VersionReportTest {
  private static final long HOUR = 3_600_000L;
  private static final long T0 = 1_721_000_000_000L;
  private static final String FLEET = "airline-ops";
  private static final String COMPONENT = "channel-291";

  private final DetectionRules rules = DetectionRules.from(Map.of("baseline-window", "24h", "bake-time", "2h"));
  private final FleetStatistics stats = new FleetStatistics(FLEET, COMPONENT);
  private final Map<String, List<Long>> failures = new HashMap<>();
  private final Map<String, String> running = new HashMap<>();
  private final CollectedDecisions decisions = new CollectedDecisions();

  @Test
  void shouldTripAtTheNumberOfFailuresWhyNotYetNamesWhileTheControlDecides() {
    fleet(1_000, T0);
    for (int i = 0; i < 100; i++) {
      apply("d" + i, "r41", T0 + HOUR);
    }
    long t = T0 + 2 * HOUR;
    fail("d0", t);
    fail("d1", t);

    VersionStatus status = VersionReport.of(stats, "r41", rules);
    assertThat(status.state()).isEqualTo("UNDER_TEST");
    assertThat(status.decidingTest()).isEqualTo("control");
    assertThat(status.decidingBecause()).contains("the control has 900 devices at risk");
    assertThat(status.candidate().failedByStratum()).containsExactly(2L, 0L, 0L, 0L);
    assertThat(status.tests()).extracting(TestResult::test).containsExactly("control", "baseline");
    assertThat(status.tests().get(0).classification()).isEqualTo("NOT_YET");
    Integer more = status.whyNotYet().moreFailedDevices();
    assertThat(more).as("min-devices 5 alone needs 3").isGreaterThanOrEqualTo(3);

    failMore(2, more - 1, t);
    assertThat(decisions.verdicts).as("one failure short").isEmpty();
    assertThat(VersionReport.of(stats, "r41", rules).whyNotYet().moreFailedDevices()).isEqualTo(1);
    failMore(1 + more, 1, t);
    assertThat(decisions.verdicts).singleElement().satisfies(v -> assertThat(v.version()).isEqualTo("r41"));
    VersionStatus tripped = VersionReport.of(stats, "r41", rules);
    assertThat(tripped.state()).isEqualTo("TRIPPED");
    assertThat(tripped.tests().get(0).classification()).isEqualTo("REJECTS");
    assertThat(tripped.whyNotYet()).isNull();
  }

  @Test
  void shouldTripAtTheNumberOfFailuresWhyNotYetNamesWhileTheBaselineDecides() {
    fleet(1_000, T0);
    for (int h = 1; h <= 24; h++) {
      fail("d" + h, T0 + h * HOUR); // a day of history: 24 failures in 24,000 device-hours
    }
    long start = T0 + 25 * HOUR;
    for (int i = 0; i < 1_000; i++) {
      apply("d" + i, "r41", start); // pushed to the whole fleet: no control
    }
    long t = start + HOUR / 2;
    fail("d100", t);

    VersionStatus status = VersionReport.of(stats, "r41", rules);
    assertThat(status.decidingTest()).isEqualTo("baseline");
    assertThat(status.decidingBecause()).contains("fewer than", "the fleet's own past decides");
    Integer more = status.whyNotYet().moreFailedDevices();
    assertThat(more).isNotNull();

    failMore(101, more - 1, t);
    assertThat(decisions.verdicts).as("one failure short").isEmpty();
    failMore(101 + more - 1, 1, t);
    assertThat(decisions.verdicts).singleElement().satisfies(v -> assertThat(v.evidence().comparison()).isEqualTo("BASELINE"));
  }

  @Test
  void shouldSayItCannotJudgeAVersionPushedEverywhereWithNoHistory() {
    fleet(10, T0);
    for (int i = 0; i < 10; i++) {
      apply("d" + i, "r41", T0 + 1); // a millisecond after the fleet was first seen: no history to speak of
    }
    for (int i = 0; i < 5; i++) {
      fail("d" + i, T0 + 120_000); // min-devices reached: the judgement finds it cannot judge
    }

    VersionStatus status = VersionReport.of(stats, "r41", rules);

    assertThat(status.state()).isEqualTo("CANNOT_JUDGE");
    assertThat(decisions.cannotJudge).as("as the judgement itself found").hasSize(1);
    assertThat(status.reason()).contains("too short for the baseline test ever to reach its threshold");
    assertThat(status.tests().get(1).classification()).isEqualTo("CANNOT_REACH");
    assertThat(status.whyNotYet().moreFailedDevices()).as("no number of failures trips it").isNull();
  }

  @Test
  void shouldListAVersionEstablishedWithinBakeTimeWithTheTestItEndedOn() {
    fleet(100, T0);
    for (int i = 0; i < 100; i++) {
      apply("d" + i, "r41", T0 + HOUR);
    }
    apply("d0", "r41", T0 + 3 * HOUR + 1); // the clock passes bake-time: established

    assertThat(VersionReport.all(stats, rules)).singleElement().satisfies(v -> {
      assertThat(v.state()).isEqualTo("ESTABLISHED");
      assertThat(v.reason()).contains("its rollout completed and baked");
      assertThat(v.rollout().devicesOnVersion()).isEqualTo(100);
      assertThat(v.whyNotYet()).isNull();
    });
    fail("d5", T0 + 6 * HOUR); // bake-time later
    assertThat(VersionReport.all(stats, rules)).as("no longer lately").isEmpty();
    assertThat(VersionReport.of(stats, "r41", rules).state()).isEqualTo("ESTABLISHED");
  }

  /** Fleet statistics of the previous build keep no failures by stratum: the status says it does not know them. */
  @Test
  void shouldExplainATestKeptByThePreviousBuild() throws Exception {
    fleet(1_000, T0);
    for (int i = 0; i < 100; i++) {
      apply("d" + i, "r41", T0 + HOUR);
    }
    fail("d0", T0 + 2 * HOUR);
    JsonSerde<FleetStatistics> serde = new JsonSerde<>(FleetStatistics.class);
    ObjectMapper json = new ObjectMapper();
    ObjectNode written = (ObjectNode) json.readTree(serde.serializer().serialize("t", stats));
    ObjectNode test = (ObjectNode) written.path("versions").path("r41").path("test");
    test.remove(List.of("candidateFailed", "controlFailed", "trippedAtMs", "cannotJudgeAtMs"));

    FleetStatistics previous = serde.deserializer().deserialize("t", json.writeValueAsBytes(written));
    VersionStatus status = VersionReport.of(previous, "r41", rules);

    assertThat(status.candidate().failedByStratum()).isNull();
    assertThat(status.candidate().failed()).isEqualTo(1);
    assertThat(status.whyNotYet().moreFailedDevices()).isPositive();
  }

  /** The analysts' count of failed devices goes on after the trip, where the test's evidence stops. */
  @Test
  void shouldCountEveryFailedDeviceForAnalystsAfterTheTripToo() {
    fleet(1_000, T0);
    for (int i = 0; i < 100; i++) {
      apply("d" + i, "r41", T0 + HOUR);
    }
    failMore(0, 40, T0 + 2 * HOUR);
    assertThat(decisions.verdicts).as("tripped long before 40").isNotEmpty();

    VersionAnalytics r41 = FleetReport.versions(stats, rules).versions().get(1);
    assertThat(r41.status().state()).isEqualTo("TRIPPED");
    assertThat(r41.status().failures().devices()).as("the test's evidence, at its trip").isLessThan(40);
    assertThat(r41.failed().devices()).isEqualTo(40);
    assertThat(r41.failed().crashed()).isEqualTo(40);
  }

  /** The analysts' view of the same statistics: the component's devices and each version's, with its state. */
  @Test
  void shouldListEveryVersionWithItsDevicesAdoptionAndState() {
    fleet(1_000, T0);
    for (int i = 0; i < 100; i++) {
      apply("d" + i, "r41", T0 + HOUR);
    }
    fail("d0", T0 + 2 * HOUR);

    ComponentView component = FleetReport.component(stats, rules);
    assertThat(component.devices()).isEqualTo(1_000);
    assertThat(component.versions()).extracting(VersionDevices::version, VersionDevices::devices, VersionDevices::share,
        VersionDevices::state).containsExactly(
            org.assertj.core.groups.Tuple.tuple("r40", 900L, 0.9, "NOT_TESTED"),
            org.assertj.core.groups.Tuple.tuple("r41", 100L, 0.1, "UNDER_TEST"));
    assertThat(component.incident()).isNull();
    ComponentVersions versions = FleetReport.versions(stats, rules);
    assertThat(versions.versions()).extracting(VersionAnalytics::version).containsExactly("r40", "r41");
    assertThat(versions.versions().get(1).failed().devices()).isEqualTo(1);
    assertThat(versions.versions().get(1).failed().crashed()).isEqualTo(1);
    assertThat(versions.versions().get(1).status().state()).isEqualTo("UNDER_TEST");
    assertThat(versions.versions().get(1).crashFree()).as("1 of the 100 that took it failed").isEqualTo(0.99);
    assertThat(versions.versions().get(0).crashFree()).isEqualTo(1.0);

    ComponentView sensor = new ComponentView(FLEET, "sensor", 1_200, List.of(), new Incident("sensor", "2024-07-19T04:00:00Z", 40));
    ComponentView elsewhere = new ComponentView("west-stores", COMPONENT, 50, List.of(), null);
    assertThat(FleetView.merge(List.of(sensor, elsewhere, component))).satisfiesExactly(
        f -> {
          assertThat(f.fleet()).isEqualTo(FLEET);
          assertThat(f.devices()).as("the most reported component's devices: a device reports each").isEqualTo(1_200);
          assertThat(f.components()).extracting(ComponentView::component).containsExactly(COMPONENT, "sensor");
          assertThat(f.openIncidents()).extracting(Incident::component).containsExactly("sensor");
        },
        f -> assertThat(f.fleet()).isEqualTo("west-stores"));
  }

  private void fleet(int devices, long at) {
    stats.apply(DeviceChange.firstSeen(FLEET, COMPONENT, "r40", devices, at), rules, decisions);
    for (int i = 0; i < devices; i++) {
      running.put("d" + i, "r40");
    }
  }

  private void failMore(int from, int count, long at) {
    for (int i = from; i < from + count; i++) {
      fail("d" + i, at);
    }
  }

  private void apply(String device, String version, long at) {
    stats.apply(DeviceChange.applied(FLEET, COMPONENT, version, running.get(device), false, device, recent(device), at),
        rules, decisions);
    running.put(device, version);
  }

  private void fail(String device, long at) {
    stats.apply(DeviceChange.failed(FLEET, COMPONENT, running.get(device), running.get(device), device, Failure.CRASH, true, null,
        recent(device), at, true), rules, decisions);
    failures.put(device, DeviceChange.withFailure(recent(device), at));
  }

  private List<Long> recent(String device) {
    return failures.getOrDefault(device, List.of());
  }
}
