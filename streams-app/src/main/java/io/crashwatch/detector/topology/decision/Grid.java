package io.crashwatch.detector.topology.decision;

/**
 * The alternatives both tests average over, as multiples of the tolerated ratio: from a modest to a
 * catastrophic regression. Test states are kept as one log-likelihood ratio per alternative, so long
 * runs neither overflow nor underflow.
 */
public final class Grid {
  static final double[] MULTIPLES = {1.5, 2, 3, 5, 8, 16, 32, 64, 128};
  /** Alternatives in the grid: the length of every test's logs. */
  public static final int SIZE = MULTIPLES.length;

  private Grid() {
  }

  /** The mixture: the average likelihood ratio over the alternatives, from their logs. */
  public static double mixture(double[] logs) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logs) {
      max = Math.max(max, l);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return 0;
    }
    double sum = 0;
    for (double l : logs) {
      sum += Math.exp(l - max);
    }
    return Math.exp(max + Math.log(sum / logs.length));
  }
}
