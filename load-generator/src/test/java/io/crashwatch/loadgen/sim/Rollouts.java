package io.crashwatch.loadgen.sim;

import io.crashwatch.loadgen.scenario.EffectSpec;
import io.crashwatch.loadgen.scenario.Expect;
import io.crashwatch.loadgen.scenario.RolloutSpec;
import io.crashwatch.schemas.AlertKind;
import java.time.Duration;
import java.util.List;

/** Rollout entries of a report, as a run would leave them, for tests outside this package too. */
public final class Rollouts {
  private static final EffectSpec CRASHES = new EffectSpec(0.95, Duration.ofSeconds(3), 1.0, true, 0.3,
      Duration.ZERO, 0x50, "csagent.sys");

  private Rollouts() {
  }

  /** A rollout of channel-291 at {@code version} to {@code fleet}; bad ones crash and are expected to be halted. */
  public static RolloutProgress rollout(String fleet, String version, boolean bad, boolean halted) {
    return rollout(fleet, version, bad, halted, List.of());
  }

  /** The same, expecting these alerts to fire. */
  public static RolloutProgress rollout(String fleet, String version, boolean bad, boolean halted,
                                        List<AlertKind> expectAlerts) {
    RolloutSpec spec = new RolloutSpec(fleet, "channel-291", version, Duration.ofSeconds(20), List.of(1.0),
        Duration.ofSeconds(10), bad ? Expect.HALT : Expect.NO_HALT, bad ? CRASHES : null, expectAlerts,
        RolloutSpec.WaveOrder.RANDOM);
    RolloutProgress r = new RolloutProgress(spec, fleet, fleet);
    if (halted) {
      r.halt("FLEET", 1_000);
    }
    return r;
  }
}
