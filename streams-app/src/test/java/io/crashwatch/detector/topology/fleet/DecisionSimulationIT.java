package io.crashwatch.detector.topology.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.MonteCarlo;
import io.crashwatch.detector.topology.fleet.DecisionSimulation.Rollout;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The false-halt check of {@link DecisionSimulationTest} at the default alpha, 0.001: a rate that
 * small needs ten thousand rollouts per kind to see, so it runs in the slow profile.
 */
@Tag("slow")
class DecisionSimulationIT {

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.crashwatch.detector.topology.fleet.DecisionSimulationTest#rollouts")
  void shouldHaltAtMostAlphaOfRolloutsAtTheToleratedRatioAtTheDefaultAlpha(String name, Rollout rollout) {
    DetectionRules rules = DecisionSimulationTest.rules(DetectionRules.defaults().alpha());
    int runs = 10_000;
    long halted = LongStream.range(0, runs)
        .filter(seed -> DecisionSimulation.run(DecisionSimulationTest.HETEROGENEOUS, rollout.withRatio(rules.toleratedRatio()),
            rules, 5_000_000 + seed).halted())
        .count();
    System.out.printf("%s, alpha %s: %d false halts in %d rollouts at the tolerated ratio%n", name, rules.alpha(), halted, runs);
    assertThat(halted).isLessThanOrEqualTo(MonteCarlo.upperCount(runs, rules.alpha()));
  }
}
