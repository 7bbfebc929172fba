package io.crashwatch.loadgen.sim;

import static io.crashwatch.loadgen.sim.Rollouts.rollout;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScenarioReportTest {
  private static ScenarioReport report(List<RolloutProgress> rollouts, List<String> haltedTargets) {
    return new ScenarioReport("test", null, 100, 10.0, rollouts, haltedTargets, List.of());
  }

  @Test
  void shouldFindNoFalseHaltWhenOnlyTheBadRolloutWasHalted() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r41", true, true)),
        List.of("airline-ops/channel-291/r41"));

    assertThat(report.falseHalts()).isZero();
    assertThat(report.missedHalts()).isZero();
  }

  @Test
  void shouldCountAHaltOfAFleetNoRolloutWentToAsFalse() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r41", true, true)),
        List.of("airline-ops/channel-291/r41", "retail/channel-291/r41"));

    assertThat(report.falseHalts()).isEqualTo(1);
    assertThat(report.toJson()).containsEntry("falseHalts", 1L)
        .containsEntry("otherHalts", List.of("retail/channel-291/r41"));
  }

  @Test
  void shouldCountAHaltOfAVersionNoRolloutInstalledAsFalse() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r41", true, true)),
        List.of("airline-ops/channel-291/r41", "airline-ops/channel-291/r40", "airline-ops/sensor/7.11.18110"));

    assertThat(report.falseHalts()).isEqualTo(2);
  }

  @Test
  void shouldCountAGlobalHaltOfAVersionNoRolloutHasAsFalse() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r41", true, true)),
        List.of("airline-ops/channel-291/r41", "*/channel-291/r40"));

    assertThat(report.falseHalts()).isEqualTo(1);
  }

  @Test
  void shouldNotCountAGlobalHaltOfABadRolloutsVersion() {
    ScenarioReport report = report(List.of(rollout("east-stores", "r41", true, true),
            rollout("west-stores", "r41", true, true)),
        List.of("east-stores/channel-291/r41", "west-stores/channel-291/r41", "*/channel-291/r41"));

    assertThat(report.falseHalts()).isZero();
  }

  @Test
  void shouldCountAHaltedHealthyRolloutOnceThoughItsTargetWasHaltedToo() {
    ScenarioReport report = report(List.of(rollout("airline-ops", "r41", false, true)),
        List.of("airline-ops/channel-291/r41"));

    assertThat(report.falseHalts()).isEqualTo(1);
  }

  @Test
  void shouldCountAGlobalHaltOfAHealthyVersionOncePerRolloutItStopped() {
    // The global halt is false in every fleet it stops a healthy rollout in; it is not counted again itself.
    ScenarioReport report = report(List.of(rollout("east-stores", "r42", false, true),
            rollout("west-stores", "r42", false, true)),
        List.of("*/channel-291/r42"));

    assertThat(report.falseHalts()).isEqualTo(2);
  }

  @Test
  void shouldJudgeOnlyTheDetectorsHaltsNotAPersonsForceHalt() {
    RolloutProgress forced = rollout("airline-ops", "r41", false, false);
    forced.halt(ScenarioReport.OPERATOR, 1_000);
    RolloutProgress badForced = rollout("hospital", "r41", true, false);
    badForced.halt(ScenarioReport.OPERATOR, 1_000);

    ScenarioReport report = report(List.of(forced, badForced), List.of());

    assertThat(report.falseHalts()).as("a person's halt of a healthy rollout").isZero();
    assertThat(report.missedHalts()).as("a bad rollout only a person halted").isEqualTo(1);
    assertThat(report.toJson().get("rollouts").toString()).contains("haltedBy=OPERATOR", "halts=[OPERATOR]");
  }

  @Test
  void shouldCountTheDetectorsHaltAfterAResumeOfAHealthyRolloutAsFalse() {
    RolloutProgress r = rollout("airline-ops", "r41", false, false);
    r.halt(ScenarioReport.OPERATOR, 1_000);
    r.resume();
    r.halt("FLEET", 9_000);

    assertThat(report(List.of(r), List.of("airline-ops/channel-291/r41")).falseHalts()).isEqualTo(1);
    assertThat(r.haltedBy()).isEqualTo("OPERATOR");
    assertThat(r.halts()).containsExactly("OPERATOR", "FLEET");
  }

  @Test
  void shouldMissAnExpectedAlertThatFiredOnlyForAnotherFleet() {
    RolloutProgress rollout = Rollouts.rollout("airline-ops", "r41", false, false,
        List.of(io.crashwatch.schemas.AlertKind.FLEET_INCIDENT));
    ScenarioReport other = new ScenarioReport("test", null, 100, 10.0, List.of(rollout), List.of(),
        List.of(new AlertLog.Fired("FLEET_INCIDENT", "retail", null)));
    ScenarioReport own = new ScenarioReport("test", null, 100, 10.0, List.of(rollout), List.of(),
        List.of(new AlertLog.Fired("FLEET_INCIDENT", "airline-ops", null)));

    assertThat(other.missedAlerts()).containsExactly("airline-ops/channel-291/r41 FLEET_INCIDENT");
    assertThat(other.toJson()).containsEntry("alerts", List.of("FLEET_INCIDENT retail"));
    assertThat(own.missedAlerts()).isEmpty();
  }
}
