package io.crashwatch.detector.topology.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FalseHaltBoundTest {

  /**
   * The alert's promise: for any number of tests and any alpha, a fleet whose tests keep their alpha exceeds
   * the bound with probability under 0.001 — the exact binomial tail, not an approximation of it.
   */
  @Test
  void shouldBeExceededWithProbabilityUnderAThousandthWhateverTheTestsAndAlpha() {
    for (double alpha : new double[] {0.1, 0.05, 0.01, 0.001, 0.0001}) {
      for (int n = 1; n <= 200_000; n = n < 100 ? n + 1 : (int) (n * 1.1)) {
        int k = (int) Math.floor(FalseHaltBound.limit(n * alpha)) + 1;
        assertThat(binomialTail(n, alpha, k)).as("n=%d alpha=%s: P(X >= %d)", n, alpha, k).isLessThan(0.001);
      }
    }
  }

  /** Not so loose that it never fires: a few false halts more than the alpha spent accounts for. */
  @Test
  void shouldFireOnAFewFalseHaltsMoreThanAlphaPredicts() {
    assertThat(FalseHaltBound.exceeded(2, 0.01)).as("two false halts where 0.01 were expected").isFalse();
    assertThat(FalseHaltBound.exceeded(3, 0.01)).isTrue();
    assertThat(FalseHaltBound.exceeded(6, 1)).isFalse();
    assertThat(FalseHaltBound.exceeded(7, 1)).isTrue();
    assertThat(FalseHaltBound.exceeded(45, 100)).as("fewer false halts than expected").isFalse();
    assertThat(FalseHaltBound.exceeded(136, 100)).isTrue();
  }

  /** P(X >= k) for X ~ Binomial(n, p), summed in log space from k up. */
  private static double binomialTail(int n, double p, int k) {
    if (k > n) {
      return 0;
    }
    double sum = 0;
    for (int i = k; i <= n; i++) {
      double log = logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p);
      double term = Math.exp(log);
      sum += term;
      if (term < 1e-18 * sum) {
        break;
      }
    }
    return sum;
  }

  private static double logChoose(int n, int k) {
    return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  }

  private static final double[] LOG_FACTORIAL = new double[200_001];

  static {
    for (int i = 2; i < LOG_FACTORIAL.length; i++) {
      LOG_FACTORIAL[i] = LOG_FACTORIAL[i - 1] + Math.log(i);
    }
  }

  private static double logFactorial(int n) {
    return LOG_FACTORIAL[n];
  }
}
