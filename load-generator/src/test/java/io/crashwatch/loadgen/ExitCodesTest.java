package io.crashwatch.loadgen;

import static io.crashwatch.loadgen.sim.Rollouts.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.loadgen.sim.RolloutProgress;
import io.crashwatch.loadgen.sim.ScenarioReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
  private static ScenarioReport report(List<RolloutProgress> rollouts, List<String> haltedTargets) {
    return new ScenarioReport("test", null, 100, 10.0, rollouts, haltedTargets, List.of());
  }

  @Test
  void shouldExitZeroWhenEveryHaltIsAsExpected() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r41", true, true), rollout("retail", "r42", false, false)),
        List.of("airline-ops/channel-291/r41"));

    assertThat(ExitCodes.of(report)).isZero();
  }

  @Test
  void shouldExitThreeOnAMissedHalt() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r41", true, false)), List.of());

    assertThat(ExitCodes.of(report)).isEqualTo(ExitCodes.WRONG_HALTS).isEqualTo(3);
  }

  @Test
  void shouldExitThreeOnAHaltedHealthyRollout() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r42", false, true)),
        List.of("airline-ops/channel-291/r42"));

    assertThat(ExitCodes.of(report)).isEqualTo(3);
  }

  @Test
  void shouldExitThreeOnAHaltOfATargetNoRolloutHas() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r41", true, true)),
        List.of("airline-ops/channel-291/r41", "*/sensor/7.11.18110"));

    assertThat(ExitCodes.of(report)).isEqualTo(3);
  }

  @Test
  void shouldKeepTheVerdictCodeApartFromUsageErrorsAndCrashes() {
    // 1 is picocli's code for an exception, 2 for a usage error: a wrong verdict must read differently.
    assertThat(ExitCodes.WRONG_HALTS).isNotIn(ExitCodes.OK, 1, ExitCodes.USAGE);
  }
}
