package io.crashwatch.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.KillSwitchOverride;
import io.crashwatch.schemas.Scope;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KillSwitchViewTest {
  private static final long T = 1_721_361_600_000L;
  private final LeaseView leases = new LeaseView(500);
  private long now = T;
  private final KillSwitchView view = new KillSwitchView(leases, () -> now);

  KillSwitchViewTest() {
    leases.apply(LeaseViewTest.lease(0, 1, true, T, T + 6_000));
  }

  static KillSwitchCommand command(KillSwitchAction action, String fleet, boolean shadow) {
    return KillSwitchCommand.newBuilder().setCommandId("c").setAction(action)
        .setScope(fleet == null ? Scope.GLOBAL : Scope.FLEET).setFleetId(fleet).setComponent("channel-291")
        .setVersion("r41").setReason(HaltReason.CRASH_SPIKE).setIssuedAt(Instant.EPOCH).setShadow(shadow).build();
  }

  @Test
  void shouldHaltOnEitherTheFleetOrTheGlobalTarget() throws RejectedRecord {
    view.caughtUp(true);
    view.apply("airline-ops/channel-291/r41", 1, command(KillSwitchAction.HALT, "airline-ops", false));
    view.apply("*/channel-291/r41", 1, command(KillSwitchAction.HALT, null, false));

    assertThat(view.status("airline-ops", "channel-291", "r41")).isEqualTo(KillSwitchStatus.HALTED);
    assertThat(view.status("retail", "channel-291", "r41")).isEqualTo(KillSwitchStatus.HALTED);
    assertThat(view.status("retail", "channel-291", "r42")).isEqualTo(KillSwitchStatus.PROCEED);
  }

  @Test
  void shouldKeepAGlobalHaltAfterAFleetResume() throws RejectedRecord {
    view.apply("airline-ops/channel-291/r41", 1, command(KillSwitchAction.HALT, "airline-ops", false));
    view.apply("*/channel-291/r41", 1, command(KillSwitchAction.HALT, null, false));
    view.apply("airline-ops/channel-291/r41", 2, command(KillSwitchAction.RESUME, "airline-ops", false));

    assertThat(view.haltOf("airline-ops", "channel-291", "r41").getScope()).isEqualTo(Scope.GLOBAL);
  }

  @Test
  void shouldIgnoreShadowCommands() throws RejectedRecord {
    view.caughtUp(true);
    view.apply("airline-ops/channel-291/r41", 1, command(KillSwitchAction.HALT, "airline-ops", true));

    assertThat(view.isHalted("airline-ops", "channel-291", "r41")).isFalse();
  }

  @Test
  void shouldAnswerUnknownAndCountAsHaltedUntilCaughtUp() {
    assertThat(view.status("retail", "channel-291", "r42")).isEqualTo(KillSwitchStatus.UNKNOWN);
    assertThat(view.isHalted("retail", "channel-291", "r42")).as("unknown is halted").isTrue();

    view.caughtUp(true);

    assertThat(view.isHalted("retail", "channel-291", "r42")).isFalse();
  }

  /**
   * The detector's lease runs out (it died, or stands still): nothing proceeds until it is renewed —
   * the detector may be blind to a spike under way — but a known HALT still says HALTED.
   */
  @Test
  void shouldAnswerUnknownWhileTheDetectorsLeaseIsStale() throws RejectedRecord {
    view.caughtUp(true);
    view.apply("airline-ops/channel-291/r41", 1, command(KillSwitchAction.HALT, "airline-ops", false));
    assertThat(view.status("retail", "channel-291", "r42")).isEqualTo(KillSwitchStatus.PROCEED);

    now = T + 6_501;

    assertThat(view.status("retail", "channel-291", "r42")).isEqualTo(KillSwitchStatus.UNKNOWN);
    assertThat(view.status("airline-ops", "channel-291", "r41")).isEqualTo(KillSwitchStatus.HALTED);
    leases.apply(LeaseViewTest.lease(0, 1, true, now, now + 6_000));
    assertThat(view.status("retail", "channel-291", "r42")).as("renewed").isEqualTo(KillSwitchStatus.PROCEED);
  }

  static KillSwitchOverride override(String fleet, String version, long issuedAt, Duration lasts) {
    return KillSwitchOverride.newBuilder().setOverrideId("o").setFleetId(fleet).setComponent("channel-291")
        .setVersion(version).setActor("sre").setReason("ship the fix").setIssuedAt(Instant.ofEpochMilli(issuedAt))
        .setValidUntil(Instant.ofEpochMilli(issuedAt).plus(lasts)).build();
  }

  /**
   * The detector is down and a fix must ship: an operator's override lets that one rollout proceed
   * until it runs out — never another rollout, never a halted one.
   */
  @Test
  void shouldLetABreakGlassOverrideProceedWhileTheLeaseIsStaleUntilItRunsOut() throws RejectedRecord {
    view.caughtUp(true);
    view.apply("airline-ops/channel-291/r41", 1, command(KillSwitchAction.HALT, "airline-ops", false));
    now = T + 60_000; // the lease ran out long ago
    view.breakGlass().apply(override("retail", "r42", now, Duration.ofHours(1)));
    view.breakGlass().apply(override(null, "r41", now, Duration.ofHours(1))); // every fleet

    assertThat(view.status("retail", "channel-291", "r42")).isEqualTo(KillSwitchStatus.PROCEED);
    assertThat(view.status("airline-ops", "channel-291", "r42")).as("another fleet").isEqualTo(KillSwitchStatus.UNKNOWN);
    assertThat(view.status("retail", "channel-291", "r41")).as("every fleet's override").isEqualTo(KillSwitchStatus.PROCEED);
    assertThat(view.status("airline-ops", "channel-291", "r41")).as("a halt stays").isEqualTo(KillSwitchStatus.HALTED);

    now += Duration.ofHours(1).toMillis() + 1;
    assertThat(view.status("retail", "channel-291", "r42")).as("run out").isEqualTo(KillSwitchStatus.UNKNOWN);
  }

  /** An override that would last longer than the maximum is refused; one dated in the future counts only then. */
  @Test
  void shouldRefuseAnOverrideTooLongOrNotYetIssued() throws RejectedRecord {
    view.caughtUp(true);
    now = T + 60_000;

    assertThatThrownBy(() -> view.breakGlass().apply(override("retail", "r42", now, BreakGlass.MAX_DURATION.plusMinutes(1))))
        .isInstanceOfSatisfying(RejectedRecord.class, e -> assertThat(e.reason()).isEqualTo(RejectedRecord.Reason.MALFORMED));
    view.breakGlass().apply(override("retail", "r42", now + Duration.ofDays(30).toMillis(), Duration.ofHours(1)));

    assertThat(view.status("retail", "channel-291", "r42")).isEqualTo(KillSwitchStatus.UNKNOWN);
  }

  @Test
  void shouldRefuseAnOldResumeWrittenAgainAfterANewerHalt() throws RejectedRecord {
    view.caughtUp(true);
    view.apply("airline-ops/channel-291/r41", 10, command(KillSwitchAction.RESUME, "airline-ops", false));
    view.apply("airline-ops/channel-291/r41", 20, command(KillSwitchAction.HALT, "airline-ops", false));

    assertThatThrownBy(() -> view.apply("airline-ops/channel-291/r41", 10,
        command(KillSwitchAction.RESUME, "airline-ops", false)))
        .isInstanceOfSatisfying(RejectedRecord.class, e -> assertThat(e.reason()).isEqualTo(RejectedRecord.Reason.REPLAYED));
    assertThat(view.status("airline-ops", "channel-291", "r41")).isEqualTo(KillSwitchStatus.HALTED);
  }
}
