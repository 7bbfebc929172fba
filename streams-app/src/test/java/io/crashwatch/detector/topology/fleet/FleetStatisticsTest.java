package io.crashwatch.detector.topology.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.DeviceChange.Failure;
import io.crashwatch.detector.topology.decision.ControlTest;
import io.crashwatch.detector.topology.model.PooledEvidence;
import io.crashwatch.schemas.AlertKind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bookkeeping of rollout tests: fresh cohorts, each device once per test, strata from the past. */
class FleetStatisticsTest {
  private static final long HOUR = 3_600_000L;
  private static final long T0 = 1_721_000_000_000L;
  private static final String FLEET = "airline-ops";
  private static final String COMPONENT = "channel-291";

  private final DetectionRules rules = DetectionRules.from(Map.of("baseline-window", "24h"));
  private final FleetStatistics stats = new FleetStatistics(FLEET, COMPONENT);
  private final Map<String, List<Long>> failures = new HashMap<>();
  private final Map<String, String> running = new HashMap<>();
  /** When the detector first saw each device, on its wall clock; absent: before the tests. */
  private final Map<String, Long> firstSeen = new HashMap<>();
  private final CollectedDecisions decisions = new CollectedDecisions();

  FleetStatisticsTest() {
    stats.apply(DeviceChange.firstSeen(FLEET, COMPONENT, "r40", 10, T0), rules, decisions);
    for (int i = 0; i < 10; i++) {
      running.put("d" + i, "r40");
    }
  }

  @Test
  void shouldPutDevicesThatFailedBeforeTheRolloutBackAtRiskInItsTest() {
    fail("d1", T0 + HOUR);
    fail("d2", T0 + 2 * HOUR);

    apply("d0", "r41", T0 + 3 * HOUR);

    RolloutTest test = test("r41");
    assertThat(test.candidateTotal()).isEqualTo(1);
    assertThat(test.controlTotal()).as("every other device, failed before the start or not").isEqualTo(9);
  }

  @Test
  void shouldNotPutADeviceThatFailedSinceTheStartBackAtRiskWhenItSwitches() {
    apply("d0", "r41", T0 + HOUR);
    apply("d1", "r41", T0 + HOUR);
    fail("d0", T0 + 2 * HOUR);
    assertThat(test("r41").candidateTotal()).isEqualTo(1);

    apply("d0", "r40", T0 + 3 * HOUR); // rolled back...
    apply("d0", "r41", T0 + 4 * HOUR); // ...and forward again

    assertThat(test("r41").candidateTotal()).isEqualTo(1);
    assertThat(test("r41").controlTotal()).isEqualTo(8);
    assertThat(test("r41").failedDevices).isEqualTo(1);
  }

  @Test
  void shouldCountALateReportOfAVersionTheDeviceLeftOnce() {
    apply("d0", "r41", T0 + HOUR);
    apply("d1", "r41", T0 + HOUR);
    apply("d0", "r40", T0 + 3 * HOUR); // d0 left r41, at risk in the control

    failOn("d0", "r41", T0 + 2 * HOUR); // uploaded late: it crashed on r41 before leaving
    failOn("d0", "r41", T0 + 2 * HOUR + 60_000); // a second report of the same episode

    RolloutTest test = test("r41");
    assertThat(test.failedDevices).as("counted once against r41").isEqualTo(1);
    assertThat(test.controlTotal()).as("out of the control it sits in, once").isEqualTo(8);
    assertThat(test.candidateTotal()).isEqualTo(1);
  }

  @Test
  void shouldStratifyDevicesByTheirFailuresInTheBaselineWindowBeforeTheStart() {
    fail("d1", T0 + HOUR);
    fail("d2", T0 + HOUR);
    fail("d2", T0 + 2 * HOUR);
    for (int i = 0; i < 4; i++) {
      fail("d3", T0 + HOUR + i * 600_000);
    }
    apply("d3", "r41", T0 + 30 * HOUR); // d1 and d2 failed 28 h and more before: outside the 24 h window
    assertThat(test("r41").control).containsExactly(9, 0, 0, 0);

    apply("d4", "r42", T0 + 4 * HOUR); // another rollout, started while those failures were recent
    assertThat(test("r42").control).containsExactly(6, 1, 1, 1);
    assertThat(test("r42").candidate).containsExactly(1, 0, 0, 0);
  }

  /** A whole-fleet push right after the detector first saw the fleet: nothing to compare with, said once. */
  @Test
  void shouldSayOnceThatAPushWithoutControlOrHistoryCannotBeJudged() {
    for (int i = 0; i < 10; i++) {
      apply("d" + i, "r41", T0);
    }
    for (int i = 0; i < 10; i++) {
      stats.apply(DeviceChange.failed(FLEET, COMPONENT, "r41", "r41", "d" + i, Failure.CRASH, true, null, List.of(),
          T0 + 60_000, true), rules, decisions);
    }

    assertThat(decisions.verdicts).isEmpty();
    assertThat(decisions.cannotJudge).singleElement().satisfies(c -> assertThat(c.target().toString())
        .isEqualTo(FLEET + "/" + COMPONENT + "/r41"));
    assertThat(test("r41").cannotJudge).isTrue();
    assertThat(test("r41").tripped).isFalse();
  }


  /**
   * A failure not blamed on the candidate (it switched longer than attribution-window before, or the
   * crash's module is another component's) takes the device out of the candidate's test with no
   * evidence; a control's failure counts as before.
   */
  @Test
  void shouldTakeACandidateFailureNotBlamedOnItOutOfTheTestWithNoEvidence() {
    apply("d0", "r41", T0 + HOUR);
    apply("d1", "r41", T0 + HOUR);
    stats.apply(DeviceChange.failed(FLEET, COMPONENT, "r41", "r41", "d0", Failure.CRASH, true, null, List.of(),
        T0 + 3 * HOUR, true).unblamedOnItsVersion(), rules, decisions);
    stats.apply(DeviceChange.failed(FLEET, COMPONENT, "r40", "r40", "d5", Failure.CRASH, true, null, List.of(),
        T0 + 3 * HOUR, true).unblamedOnItsVersion(), rules, decisions); // r40's: no test of r40 under way

    RolloutTest test = test("r41");
    assertThat(test.failedDevices).as("no evidence against r41").isZero();
    assertThat(test.candidateTotal()).as("d0 left the test").isEqualTo(1);
    assertThat(test.controlFailures).as("a control's failure counts as ever").isEqualTo(1);
    assertThat(decisions.pooled).isEmpty();
  }

  /** The reports to the pooled global test add up to the fleet's own test, and a RESUME withdraws them. */
  @Test
  void shouldReportEvidenceThatAddsUpToItsTestAndWithdrawItOnResume() {
    apply("d0", "r41", T0 + HOUR);
    apply("d1", "r41", T0 + HOUR);
    fail("d5", T0 + 2 * HOUR); // control: lowers the evidence, reported with the next candidate failure
    fail("d0", T0 + 3 * HOUR);
    fail("d6", T0 + 4 * HOUR);
    fail("d1", T0 + 5 * HOUR);

    assertThat(decisions.pooled).as("one per candidate failure").hasSize(2);
    double[] control = ControlTest.restore(rules.toleratedRatio(), test("r41").logControl).logs();
    assertThat(sum(decisions.pooled, PooledEvidence::control)).containsExactly(control, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(sum(decisions.pooled, PooledEvidence::baseline))
        .containsExactly(test("r41").baseline.logs(rules.toleratedRatio()), org.assertj.core.data.Offset.offset(1e-9));

    test("r41").tripped = true; // as if an operator looked at it and lifted the HALT: only a tripped test restarts
    stats.resume("r41", rules, decisions);

    assertThat(java.util.Arrays.stream(sum(decisions.pooled, PooledEvidence::control)).map(Math::abs).max().orElseThrow()).isLessThan(1e-9);
    assertThat(java.util.Arrays.stream(sum(decisions.pooled, PooledEvidence::baseline)).map(Math::abs).max().orElseThrow()).isLessThan(1e-9);
  }

  private static double[] sum(List<PooledEvidence> reports, java.util.function.Function<PooledEvidence, List<Double>> part) {
    double[] sum = new double[part.apply(reports.get(0)).size()];
    for (PooledEvidence e : reports) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += part.apply(e).get(i);
      }
    }
    return sum;
  }

  /**
   * Anyone who can write telemetry can invent devices in a real fleet, put them on the canary and crash
   * them. Devices the detector first sees after a rollout's test started are no part of it — in neither
   * arm, their failures no evidence — and once they are a burst against the fleet (min-devices, 1% of
   * it), UNTRUSTED_EVIDENCE says so, once. The fleet's own devices still count.
   */
  @Test
  void shouldKeepDevicesFirstSeenAfterTheStartOutOfTheTestAndAlertOnABurst() {
    long wall = 1_800_000_000_000L;
    decisions.wallClockMs = wall;
    apply("d0", "r41", T0 + HOUR); // the rollout starts, on the wall clock at `wall`
    DeviceChange invented = DeviceChange.firstSeen(FLEET, COMPONENT, "r40", 6, T0 + 2 * HOUR).seenFirstAt(wall + 60_000);
    stats.apply(invented, rules, decisions);
    for (int i = 0; i < 6; i++) {
      running.put("x" + i, "r40");
      firstSeen.put("x" + i, wall + 60_000);
      apply("x" + i, "r41", T0 + 2 * HOUR + 1_000);
      fail("x" + i, T0 + 2 * HOUR + 2_000);
    }

    RolloutTest test = test("r41");
    assertThat(test.candidateTotal()).isEqualTo(1);
    assertThat(test.controlTotal()).isEqualTo(9);
    assertThat(test.failedDevices).as("no invented failure").isZero();
    assertThat(test.newDevices).isEqualTo(6);
    assertThat(decisions.alerts).singleElement().satisfies(a -> {
      assertThat(a.getKind()).isEqualTo(AlertKind.UNTRUSTED_EVIDENCE);
      assertThat(a.getSummary()).startsWith("6 devices never seen before appeared in fleet airline-ops");
    });

    fail("d0", T0 + 3 * HOUR); // the fleet's own device
    assertThat(test.failedDevices).isEqualTo(1);
  }

  private RolloutTest test(String version) {
    return stats.versions.get(version).test;
  }

  private void apply(String device, String version, long at) {
    stats.apply(DeviceChange.applied(FLEET, COMPONENT, version, running.get(device), false, device, recent(device), at)
        .seenFirstAt(firstSeen.getOrDefault(device, 0L)), rules, decisions);
    running.put(device, version);
  }

  private void fail(String device, long at) {
    failOn(device, running.get(device), at);
  }

  private void failOn(String device, String version, long at) {
    stats.apply(DeviceChange.failed(FLEET, COMPONENT, version, running.get(device), device, Failure.CRASH, true, null,
        recent(device), at, true).seenFirstAt(firstSeen.getOrDefault(device, 0L)), rules, decisions);
    failures.put(device, DeviceChange.withFailure(recent(device), at));
  }

  private List<Long> recent(String device) {
    return failures.getOrDefault(device, List.of());
  }
}
