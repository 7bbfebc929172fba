package io.crashwatch.detector.topology.health;

/**
 * How many confirmed false halts a fleet's tests may make before that is itself news. Each test's false-halt
 * probability is at most its alpha, so the false halts of n tests are at most a Binomial(n, alpha) count, whose
 * upper tail the Poisson one of the same mean (the alpha spent) bounds. More than
 * {@code spent + 3.3 * sqrt(spent) + 2} happens with probability under 0.001 for any alpha spent (0.0005 at
 * worst): above it, the promised rate does not hold in that fleet. The PrometheusRule
 * {@code CrashwatchFalseHaltsAboveAlpha} fires on the same formula.
 */
public final class FalseHaltBound {
  static final double SIGMAS = 3.3;
  static final double SLACK = 2;

  private FalseHaltBound() {
  }

  /** The most false halts the alpha spent accounts for. */
  public static double limit(double alphaSpent) {
    return alphaSpent + SIGMAS * Math.sqrt(alphaSpent) + SLACK;
  }

  public static boolean exceeded(long falseHalts, double alphaSpent) {
    return falseHalts > limit(alphaSpent);
  }
}
