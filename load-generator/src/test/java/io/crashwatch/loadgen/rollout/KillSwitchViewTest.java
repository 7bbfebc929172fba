package io.crashwatch.loadgen.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class KillSwitchViewTest {
  private final KillSwitchView view = new KillSwitchView();

  private static KillSwitchCommand command(KillSwitchAction action, String fleet, boolean shadow) {
    return KillSwitchCommand.newBuilder().setCommandId("c").setAction(action)
        .setScope(fleet == null ? Scope.GLOBAL : Scope.FLEET).setFleetId(fleet).setComponent("channel-291")
        .setVersion("r41").setReason(HaltReason.CRASH_SPIKE).setIssuedAt(Instant.EPOCH).setShadow(shadow).build();
  }

  @Test
  void shouldHaltOnEitherTheFleetOrTheGlobalTarget() {
    view.apply("airline-ops/channel-291/r41", command(KillSwitchAction.HALT, "airline-ops", false));
    view.apply("*/channel-291/r41", command(KillSwitchAction.HALT, null, false));

    assertThat(view.isHalted("airline-ops", "channel-291", "r41")).isTrue();
    assertThat(view.isHalted("retail", "channel-291", "r41")).isTrue();
    assertThat(view.isHalted("retail", "channel-291", "r42")).isFalse();
  }

  @Test
  void shouldKeepAGlobalHaltAfterAFleetResume() {
    view.apply("airline-ops/channel-291/r41", command(KillSwitchAction.HALT, "airline-ops", false));
    view.apply("*/channel-291/r41", command(KillSwitchAction.HALT, null, false));
    view.apply("airline-ops/channel-291/r41", command(KillSwitchAction.RESUME, "airline-ops", false));

    assertThat(view.haltOf("airline-ops", "channel-291", "r41").getScope()).isEqualTo(Scope.GLOBAL);
  }

  @Test
  void shouldIgnoreShadowCommands() {
    view.apply("airline-ops/channel-291/r41", command(KillSwitchAction.HALT, "airline-ops", true));

    assertThat(view.isHalted("airline-ops", "channel-291", "r41")).isFalse();
  }
}
