package io.crashwatch.loadgen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HaltLogTest {
  private static final Instant START = Instant.parse("2024-07-19T04:09:00Z");

  private static KillSwitchCommand command(KillSwitchAction action, boolean shadow, Instant issuedAt) {
    return KillSwitchCommand.newBuilder().setCommandId("c").setAction(action).setScope(Scope.FLEET)
        .setFleetId("f").setComponent("channel-291").setVersion("r41").setReason(HaltReason.CRASH_SPIKE)
        .setIssuedAt(issuedAt).setShadow(shadow).build();
  }

  private static KillSwitchCommand halt() {
    return command(KillSwitchAction.HALT, false, START.plusSeconds(10));
  }

  @Test
  void shouldRecordEveryHaltedTargetOnce() {
    HaltLog log = HaltLog.ownCluster();

    log.record("airline-ops/channel-291/r41", halt());
    log.record("retail/sensor/7.12", halt());
    log.record("*/channel-291/r40", halt());
    log.record("airline-ops/channel-291/r41", halt()); // the same target again, e.g. after a rebalance

    assertThat(log.targets()).containsExactly("airline-ops/channel-291/r41", "retail/sensor/7.12", "*/channel-291/r40");
  }

  @Test
  void shouldIgnoreShadowCommandsResumesAndTombstones() {
    HaltLog log = HaltLog.ownCluster();

    log.record("airline-ops/channel-291/r41", command(KillSwitchAction.HALT, true, START));
    log.record("airline-ops/channel-291/r42", command(KillSwitchAction.RESUME, false, START));
    log.record("airline-ops/channel-291/r43", null);

    assertThat(log.targets()).isEmpty();
  }

  @Test
  void shouldNameFleetsAsTheScenarioDoesOnASharedCluster() {
    HaltLog log = HaltLog.sharedCluster(Map.of("airline-ops-1a2b3c4d", "airline-ops"), START);

    log.record("airline-ops-1a2b3c4d/channel-291/r41", halt());
    log.record("*/channel-291/r40", halt());

    assertThat(log.targets()).containsExactly("airline-ops/channel-291/r41", "*/channel-291/r40");
  }

  @Test
  void shouldIgnoreOtherRunsAndEarlierHaltsOnASharedCluster() {
    HaltLog log = HaltLog.sharedCluster(Map.of("airline-ops-1a2b3c4d", "airline-ops"), START);

    log.record("airline-ops-99999999/channel-291/r41", halt()); // another run's fleet
    log.record("*/channel-291/r41", command(KillSwitchAction.HALT, false, START.minusSeconds(60))); // before this run

    assertThat(log.targets()).isEmpty();
  }

  @Test
  void shouldKeepAnyHaltOnItsOwnCluster() {
    // The embedded stack's topic is this run's alone: whatever it holds was halted during the run.
    HaltLog log = HaltLog.ownCluster();

    log.record("*/channel-291/r41", command(KillSwitchAction.HALT, false, Instant.EPOCH));

    assertThat(log.targets()).containsExactly("*/channel-291/r41");
  }

  @Test
  void shouldHandOutACopy() {
    HaltLog log = HaltLog.ownCluster();
    List<String> before = log.targets();

    log.record("airline-ops/channel-291/r41", halt());

    assertThat(before).isEmpty();
  }
}
