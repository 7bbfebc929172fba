package io.crashwatch.detector.topology.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.MonteCarlo;
import io.crashwatch.detector.topology.fleet.DecisionSimulation.Fleet;
import io.crashwatch.detector.topology.fleet.DecisionSimulation.Outcome;
import io.crashwatch.detector.topology.fleet.DecisionSimulation.Rollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decision on thousands of seeded simulated rollouts, each monitored after every event by the real
 * {@link FleetStatistics}: at the tolerated ratio it halts at most an alpha share of them, in fleets of
 * devices that differ, with canary rings chosen at random or flakiest first, devices left behind and
 * no control at all; real regressions are halted. Counts are checked against binomial margins, so a
 * valid decision fails these tests for at most one seed in a thousand.
 */
class DecisionSimulationTest {
  /** 10 % of devices fail 100 times as often as the rest, always. */
  static final Fleet HETEROGENEOUS = new Fleet(1000, 0.002, 0.1, 100);
  static final Fleet HOMOGENEOUS = new Fleet(2000, 0.005, 0, 1);
  static final double[] CANARY = {0.1};
  static final double[] WHOLE_FLEET = {1.0};

  static List<Arguments> rollouts() {
    return List.of(
        Arguments.of("random 10 % canary, 48 h of history", new Rollout(48, CANARY, 1, false, 0, 0, 48)),
        Arguments.of("flakiest-first 10 % canary", new Rollout(48, CANARY, 1, true, 0, 0, 48)),
        Arguments.of("waves over hours, 5 % left behind", new Rollout(48, new double[] {0.1, 0.5, 1.0}, 8, false, 0.05, 0, 48)),
        Arguments.of("whole fleet, 1 % left behind", new Rollout(48, WHOLE_FLEET, 2, false, 0.01, 0, 48)),
        Arguments.of("whole fleet, no control, 48 h of history", new Rollout(48, WHOLE_FLEET, 2, false, 0, 0, 48)),
        Arguments.of("whole fleet, no control, 1 h of history", new Rollout(1, WHOLE_FLEET, 0.5, false, 0, 0, 24)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rollouts")
  void shouldHaltAtMostAlphaOfRolloutsAtTheToleratedRatio(String name, Rollout rollout) {
    for (double alpha : new double[] {0.05, 0.01}) {
      DetectionRules rules = rules(alpha);
      int runs = 300;
      long halted = LongStream.range(0, runs)
          .filter(seed -> DecisionSimulation.run(HETEROGENEOUS, rollout.withRatio(rules.toleratedRatio()), rules, seed).halted())
          .count();
      System.out.printf("%s, alpha %s: %d false halts in %d rollouts at the tolerated ratio%n", name, alpha, halted, runs);
      assertThat(halted).as("false halts at alpha %s", alpha).isLessThanOrEqualTo(MonteCarlo.upperCount(runs, alpha));
    }
  }

  static List<Arguments> regressions() {
    Rollout canary = new Rollout(48, CANARY, 1, false, 0, 0, 48);
    Rollout wholeFleet = new Rollout(48, WHOLE_FLEET, 2, false, 0, 0, 48);
    return List.of(
        Arguments.of("10 % canary, same devices", HOMOGENEOUS, canary, 0.98),
        // No floor from before: the old decision halted healthy canaries in such fleets. Measured: 70 %.
        Arguments.of("10 % canary, devices that differ", HETEROGENEOUS, canary, 0.6),
        Arguments.of("whole fleet, 1 % left behind", HOMOGENEOUS, new Rollout(48, WHOLE_FLEET, 2, false, 0.01, 0, 48), 0.98),
        Arguments.of("whole fleet, no control", HOMOGENEOUS, wholeFleet, 0.98));
  }

  /**
   * The floor from before, kept: at least 98 % of fivefold regressions halted within 48 hours, with a
   * control and without one. Prints failed devices and hours to the halt at 3x and 5x.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("regressions")
  void shouldHaltFivefoldRegressions(String name, Fleet fleet, Rollout rollout, double floor) {
    DetectionRules rules = rules(0.001);
    int runs = 200;
    for (double ratio : new double[] {3, 5}) {
      List<Outcome> outcomes = LongStream.range(0, runs)
          .mapToObj(seed -> DecisionSimulation.run(fleet, rollout.withRatio(ratio), rules, 1_000_000 + seed)).toList();
      System.out.printf("%s, %.0fx regression, alpha 0.001: %s%n", name, ratio, summary(outcomes));
      if (ratio == 5) {
        assertThat(outcomes.stream().filter(Outcome::halted).count()).isGreaterThanOrEqualTo(MonteCarlo.lowerCount(runs, floor));
      }
    }
  }

  static DetectionRules rules(double alpha) {
    return DetectionRules.from(Map.of("alpha", Double.toString(alpha), "baseline-window", "48h"));
  }

  /** Prints what a regression costs: failed devices and hours until the halt. */
  static String summary(List<Outcome> outcomes) {
    List<Outcome> halted = new ArrayList<>(outcomes.stream().filter(Outcome::halted).toList());
    if (halted.isEmpty()) {
      return "none halted";
    }
    long[] failed = halted.stream().mapToLong(Outcome::failedOnCandidate).sorted().toArray();
    double[] hours = halted.stream().mapToDouble(Outcome::hoursToHalt).sorted().toArray();
    return String.format("%d of %d halted; median %d failed candidate devices (90th %d), %.1f h to the halt (90th %.1f)",
        halted.size(), outcomes.size(), failed[failed.length / 2], failed[failed.length * 9 / 10],
        hours[hours.length / 2], hours[hours.length * 9 / 10]);
  }
}
