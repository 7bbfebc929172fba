package io.crashwatch.detector.topology.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.DeviceChange.Failure;
import io.crashwatch.detector.topology.model.DeviceChange.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The decision as a unit, on thousands of seeded simulated rollouts monitored after every event:
 * at the tolerated ratio it halts at most an alpha share of them, correlated incidents included;
 * a real regression is halted, and quickly.
 */
class SequentialDecisionSimulationTest {
  private static final long HOUR = 3_600_000L;
  private static final int DEVICES = 2000;
  private static final int CANARY = 200;
  private static final double CONTROL_RATE = 0.005; // failures per device-hour

  /** Outcome of one simulated rollout. */
  private record Outcome(boolean halted, long failedOnCandidate, double hoursToDecision) {
  }

  @Test
  void shouldKeepTheFalseHaltRateAtMostAlphaAtTheToleratedRatioWithIncidents() {
    for (double alpha : new double[] {0.05, 0.001}) {
      DetectionRules rules = DetectionRules.from(Map.of("alpha", Double.toString(alpha)));
      int runs = 2000;
      int halted = 0;
      for (int seed = 0; seed < runs; seed++) {
        // True ratio exactly the tolerated one: the boundary of "fails at most 2x as often".
        halted += simulate(rules, rules.toleratedRatio() * CONTROL_RATE, 24, new SplittableRandom(seed), true).halted ? 1 : 0;
      }
      System.out.printf("alpha=%s: %d false halts in %d rollouts at the tolerated ratio, with incidents%n", alpha, halted, runs);
      assertThat((double) halted / runs).isLessThanOrEqualTo(alpha);
    }
  }

  @Test
  void shouldHaltAFivefoldRegressionAtHalfAPercentPerDeviceHour() {
    DetectionRules rules = DetectionRules.defaults();
    int runs = 200;
    List<Outcome> outcomes = new ArrayList<>();
    for (int seed = 0; seed < runs; seed++) {
      outcomes.add(simulate(rules, 5 * CONTROL_RATE, 48, new SplittableRandom(1_000_000 + seed), false));
    }

    long halted = outcomes.stream().filter(Outcome::halted).count();
    long[] failed = outcomes.stream().filter(Outcome::halted).mapToLong(Outcome::failedOnCandidate).sorted().toArray();
    double[] hours = outcomes.stream().filter(Outcome::halted).mapToDouble(Outcome::hoursToDecision).sorted().toArray();
    System.out.printf("5x regression, %d devices (%d canary) at %.3f/device-hour, 48 h: %d of %d halted; "
            + "median %d failed canary devices and %.1f h to the decision%n",
        DEVICES, CANARY, CONTROL_RATE, halted, runs, failed[failed.length / 2], hours[hours.length / 2]);
    assertThat(halted).isGreaterThanOrEqualTo(runs * 98 / 100);
  }

  /**
   * One rollout: 2000 devices, 200 switched to the candidate; every device fails at most once (the
   * detector counts a device once per version), at the control's or the candidate's rate; an
   * optional incident fails a fifth of all devices, on either version, within ten minutes.
   */
  private static Outcome simulate(DetectionRules rules, double candidateRate, double horizonHours,
      SplittableRandom random, boolean incident) {
    FleetStatistics fleet = new FleetStatistics("fleet", "channel-291");
    long t0 = HOUR;
    for (int i = 0; i < DEVICES; i++) {
      fleet.apply(DeviceChange.applied("fleet", "channel-291", "r40", null, false, "d" + i, t0), rules);
    }
    long start = t0 + HOUR; // an hour of history before the rollout
    for (int i = 0; i < CANARY; i++) {
      fleet.apply(DeviceChange.applied("fleet", "channel-291", "r41", "r40", false, "d" + i, start), rules);
    }
    double incidentAt = incident ? random.nextDouble() * horizonHours : Double.POSITIVE_INFINITY;
    List<double[]> events = new ArrayList<>(); // {hours after start, device}
    for (int i = 0; i < DEVICES; i++) {
      double rate = i < CANARY ? candidateRate : CONTROL_RATE;
      double at = -Math.log(1 - random.nextDouble()) / rate;
      if (at > incidentAt && random.nextDouble() < 0.2) {
        at = incidentAt + random.nextDouble() / 6;
      }
      if (at < horizonHours) {
        events.add(new double[] {at, i});
      }
    }
    events.sort((a, b) -> Double.compare(a[0], b[0]));
    long failedOnCandidate = 0;
    for (double[] e : events) {
      int device = (int) e[1];
      String version = device < CANARY ? "r41" : "r40";
      failedOnCandidate += device < CANARY ? 1 : 0;
      long at = start + (long) (e[0] * HOUR);
      var change = new DeviceChange(Kind.FAILED, "fleet", "channel-291", version, null, false, "d" + device, 1, true,
          Failure.CRASH, "0x50/csagent.sys", at);
      if (fleet.apply(change, rules).stream().anyMatch(v -> v.version().equals("r41"))) {
        return new Outcome(true, failedOnCandidate, e[0]);
      }
    }
    return new Outcome(false, failedOnCandidate, Double.NaN);
  }

  @Test
  void shouldGiveAnInfiniteBoundWithoutHistoryAndATightOneWithMuch() {
    assertThat(io.crashwatch.detector.topology.decision.SequentialTest.upperRateBound(0, 0)).isInfinite();
    double wide = io.crashwatch.detector.topology.decision.SequentialTest.upperRateBound(0, 10);
    double tight = io.crashwatch.detector.topology.decision.SequentialTest.upperRateBound(1000, 100_000);
    assertThat(wide).isGreaterThan(0.5);
    assertThat(tight).isBetween(0.01, 0.0115);
    assertThat(Arrays.asList(wide, tight)).doesNotContainNull();
  }
}
