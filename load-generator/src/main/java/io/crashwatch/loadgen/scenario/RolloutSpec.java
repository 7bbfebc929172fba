package io.crashwatch.loadgen.scenario;

import io.crashwatch.schemas.AlertKind;
import java.time.Duration;
import java.util.List;

/**
 * A rollout of {@code component} at {@code version}, starting {@code start} into the run, in waves:
 * {@code waves} are cumulative fractions of the fleet, strictly increasing, the last at most 1; each
 * wave's devices install at random moments within its {@code waveInterval}, and a halt stops the rest.
 *
 * @param fleet one fleet id, or {@code "*"}: every fleet, one rollout each
 * @param effect what the version does to the devices that install it; null for a healthy rollout
 * @param expectAlerts alert kinds that must fire during the run, for this rollout's fleet (or naming no fleet)
 * @param waveOrder which devices go first: at random, or the flaky ones (a canary ring of the flakiest)
 */
public record RolloutSpec(String fleet, String component, String version, Duration start, List<Double> waves,
    Duration waveInterval, Expect expect, EffectSpec effect, List<AlertKind> expectAlerts, WaveOrder waveOrder) {

  /** Which devices a rollout's waves take first. */
  public enum WaveOrder { RANDOM, FLAKY_FIRST }

  /** The {@code fleet} of a rollout to every fleet. */
  public static final String EVERY_FLEET = "*";

  public RolloutSpec {
    waves = List.copyOf(waves);
    expectAlerts = List.copyOf(expectAlerts);
  }

  /** The rollout has an effect: the report's {@code bad}. */
  public boolean bad() {
    return effect != null;
  }
}
