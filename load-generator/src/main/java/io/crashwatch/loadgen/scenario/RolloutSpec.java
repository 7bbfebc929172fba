package io.crashwatch.loadgen.scenario;

import java.time.Duration;
import java.util.List;

/**
 * A rollout of {@code component} at {@code version}, starting {@code start} into the run, in waves:
 * {@code waves} are cumulative fractions of the fleet, strictly increasing, the last at most 1; each
 * wave's devices install at random moments within its {@code waveInterval}, and a halt stops the rest.
 *
 * @param fleet one fleet id, or {@code "*"}: every fleet, one rollout each
 * @param effect what the version does to the devices that install it; null for a healthy rollout
 */
public record RolloutSpec(String fleet, String component, String version, Duration start, List<Double> waves,
    Duration waveInterval, Expect expect, EffectSpec effect) {

  /** The {@code fleet} of a rollout to every fleet. */
  public static final String EVERY_FLEET = "*";

  public RolloutSpec {
    waves = List.copyOf(waves);
  }

  /** The rollout has an effect: the report's {@code bad}. */
  public boolean bad() {
    return effect != null;
  }
}
