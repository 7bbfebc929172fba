package io.crashwatch.detector.topology;

/** Margins for counts from seeded simulations. */
public final class MonteCarlo {
  private MonteCarlo() {
  }

  /**
   * The largest count of events that is still plausible in {@code runs} trials at probability
   * {@code p}: the binomial's 99.9 % quantile. A count above it shows the probability exceeds p.
   */
  public static long upperCount(int runs, double p) {
    double cumulative = 0;
    double term = Math.pow(1 - p, runs); // P(X = 0)
    for (int k = 0; k <= runs; k++) {
      cumulative += term;
      if (cumulative >= 0.999) {
        return k;
      }
      term *= (runs - k) / (double) (k + 1) * p / (1 - p);
    }
    return runs;
  }

  /**
   * The smallest count of successes still plausible in {@code runs} trials at probability {@code p}:
   * the binomial's 0.1 % quantile. A count below it shows the probability is under p.
   */
  public static long lowerCount(int runs, double p) {
    return runs - upperCount(runs, 1 - p);
  }
}
