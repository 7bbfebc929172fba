package io.crashwatch.detector.topology.health;

import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.model.FleetTrial;

/**
 * One fleet's false-halt account, kept by the detector's health task in the store
 * {@link DetectorHealthProcessor#TRIALS_STORE} (key: the fleet id), so it survives task moves: the tests
 * run there, those that tripped, the alpha they spent (each test's own alpha: at most its false-halt
 * probability, so the expected number of false halts is at most their sum) and the HALTs operators
 * lifted as false.
 */
@StateFormat(1)
public final class FleetTrials {
  public long tests;
  public long tripped;
  public double alphaSpent;
  public long falseHalts;
  /** When the account was opened: the figures count from then. */
  public long sinceMs;

  void add(FleetTrial trial) {
    switch (trial.kind()) {
      case STARTED -> {
        tests++;
        alphaSpent += trial.alpha();
      }
      case TRIPPED -> tripped++;
      case FALSE_HALT -> falseHalts++;
    }
  }

  /** This account and {@code other} together, e.g. the fleets summed under one metric label. */
  FleetTrials plus(FleetTrials other) {
    FleetTrials sum = new FleetTrials();
    sum.tests = tests + other.tests;
    sum.tripped = tripped + other.tripped;
    sum.alphaSpent = alphaSpent + other.alphaSpent;
    sum.falseHalts = falseHalts + other.falseHalts;
    sum.sinceMs = sinceMs == 0 ? other.sinceMs : other.sinceMs == 0 ? sinceMs : Math.min(sinceMs, other.sinceMs);
    return sum;
  }
}
