package io.crashwatch.detector.topology.decision;

/**
 * The control test: does the candidate fail more than {@code toleratedRatio} times as often as the
 * fleet's devices on other versions, running side by side? Anytime-valid: evaluated after every
 * failure, it falsely rejects at {@code 1/alpha} with probability at most {@code alpha} (Ville).
 *
 * <p>Conditional on each device's first failure since the test started, and on its stratum (its
 * failures before the start), the failure comes from the candidate with probability
 * {@code p0 = r·nV / (r·nV + nC)} under H0, where nV and nC are the stratum's devices still at risk on
 * each arm at that moment; under an alternative ratio ρ, {@code p1 = ρ·nV / (ρ·nV + nC)}. Each failure
 * multiplies the likelihood ratio by {@code p1/p0} or {@code (1-p1)/(1-p0)}; for ρ above r this is a
 * supermartingale under every ratio at most r (Lindon &amp; Malek 2022, multinomial counts), and
 * stratifying keeps it so when the canary ring is not a random sample (the flakiest devices first).
 */
public final class ControlTest {
  private final double toleratedRatio;
  private final double[] logs;

  /** A test with no evidence yet. */
  public ControlTest(double toleratedRatio) {
    this(toleratedRatio, new double[Grid.MULTIPLES.length]);
  }

  private ControlTest(double toleratedRatio, double[] logs) {
    this.toleratedRatio = toleratedRatio;
    this.logs = logs;
  }

  /** Restores a test from its persisted logs; a grid of another size restarts it. */
  public static ControlTest restore(double toleratedRatio, double[] logs) {
    if (logs == null || logs.length != Grid.MULTIPLES.length) {
      return new ControlTest(toleratedRatio);
    }
    return new ControlTest(toleratedRatio, logs.clone());
  }

  /**
   * A device's first failure since the start, on the candidate ({@code onCandidate}) or the control,
   * with the devices of its stratum at risk on each arm at that moment, the failing one included.
   */
  public void failure(boolean onCandidate, long candidateAtRisk, long controlAtRisk) {
    if (candidateAtRisk <= 0 || controlAtRisk <= 0) {
      return; // the stratum has one arm only: the failure says nothing about the ratio
    }
    double r = toleratedRatio;
    double p0 = r * candidateAtRisk / (r * candidateAtRisk + controlAtRisk);
    for (int i = 0; i < logs.length; i++) {
      double rho = r * Grid.MULTIPLES[i];
      double p1 = rho * candidateAtRisk / (rho * candidateAtRisk + controlAtRisk);
      logs[i] += onCandidate ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0));
    }
  }

  /**
   * How many more first failures on the candidate, and none on the control, would take the statistic to
   * {@code threshold}, at the arms' sizes now: each in the stratum with the most candidate devices still at risk
   * (where the next failure is likeliest at equal rates). 0 when it is there already; null when all the candidate's
   * devices at risk failing, or {@code cap} of them, would not do.
   */
  public Integer failuresToReach(double threshold, long[] candidateAtRisk, long[] controlAtRisk, int cap) {
    ControlTest copy = new ControlTest(toleratedRatio, logs.clone());
    long[] candidate = candidateAtRisk.clone();
    for (int k = 0; k <= cap; k++) {
      if (copy.statistic() >= threshold) {
        return k;
      }
      int stratum = 0;
      for (int s = 1; s < candidate.length; s++) {
        if (candidate[s] > candidate[stratum]) {
          stratum = s;
        }
      }
      if (candidate[stratum] <= 0) {
        return null;
      }
      copy.failure(true, candidate[stratum], controlAtRisk[stratum]);
      candidate[stratum]--;
    }
    return null;
  }

  /** The evidence against H0: rejects at {@code 1/level}. */
  public double statistic() {
    return Grid.mixture(logs);
  }

  public double[] logs() {
    return logs.clone();
  }
}
