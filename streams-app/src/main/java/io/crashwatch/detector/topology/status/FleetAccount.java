package io.crashwatch.detector.topology.status;

import io.crashwatch.detector.topology.health.FalseHaltBound;
import io.crashwatch.detector.topology.health.FleetTrials;
import java.time.Instant;

/**
 * A fleet's false-halt account as the status shows it: whether the promised false-halt rate holds there.
 *
 * @param alphaSpent     the false halts expected at most: each test's alpha, summed
 * @param falseHaltLimit the most confirmed false halts that alpha accounts for ({@link FalseHaltBound})
 * @param since          when the account was opened; null when no test has run in the fleet
 */
public record FleetAccount(String fleet, long tests, long tripped, double alphaSpent, long falseHalts,
                           double falseHaltLimit, boolean aboveAlpha, String since) {

  /** @param trials null: no test has run there yet */
  public static FleetAccount of(String fleet, FleetTrials trials) {
    if (trials == null) {
      return new FleetAccount(fleet, 0, 0, 0, 0, FalseHaltBound.limit(0), false, null);
    }
    return new FleetAccount(fleet, trials.tests, trials.tripped, trials.alphaSpent, trials.falseHalts,
        FalseHaltBound.limit(trials.alphaSpent), FalseHaltBound.exceeded(trials.falseHalts, trials.alphaSpent),
        trials.sinceMs == 0 ? null : Instant.ofEpochMilli(trials.sinceMs).toString());
  }
}
