package io.crashwatch.detector.topology.decision;

/**
 * The anytime-valid test behind every halt: does a candidate version fail more than
 * {@code toleratedRatio} times as often as its comparison? Valid under continuous monitoring — it may
 * be evaluated after every event and still falsely rejects with probability at most {@code alpha}.
 *
 * <p>Two mixture martingales, each an average over a grid of alternative ratios, rejected at
 * {@code 1/alpha} by Ville's inequality:
 * <ul>
 *   <li><b>Control</b> (other versions of the component in the fleet run side by side): condition on
 *   each first failure of a device. Under H0 it comes from the candidate with probability
 *   {@code p0 = r·nV / (r·nV + nC)} given the exposed devices at that moment; under an alternative
 *   ratio ρ with {@code p1 = ρ·nV / (ρ·nV + nC)}. Each event multiplies the likelihood ratio by
 *   {@code p1/p0} or {@code (1-p1)/(1-p0)}; for ρ above r this is a supermartingale under every ratio
 *   at most r (Lindon &amp; Malek 2022, multinomial counts).</li>
 *   <li><b>Baseline</b> (no control: the version went to the whole fleet): failures are a Poisson
 *   process with intensity λ per exposed device-hour; H0 is λ ≤ r·λ0. The likelihood ratio of ρ·λ0
 *   against r·λ0 after k failures in E device-hours is {@code (ρ/r)^k · exp(-(ρ-r)·λ0·E)}.</li>
 * </ul>
 * State is kept in logs, so long runs neither overflow nor underflow.
 */
public final class SequentialTest {
  /** Alternative ratios, as multiples of the tolerated ratio: from a modest to a catastrophic regression. */
  static final double[] GRID = {1.5, 2, 3, 5, 8, 16, 32, 64, 128};

  private final double toleratedRatio;
  private final double[] logControl;
  private final double[] logBaseline;

  public SequentialTest(double toleratedRatio) {
    this(toleratedRatio, new double[GRID.length], new double[GRID.length]);
  }

  private SequentialTest(double toleratedRatio, double[] logControl, double[] logBaseline) {
    this.toleratedRatio = toleratedRatio;
    this.logControl = logControl;
    this.logBaseline = logBaseline;
  }

  /** Restores a test from its persisted state. */
  public static SequentialTest restore(double toleratedRatio, double[] logControl, double[] logBaseline) {
    if (logControl.length != GRID.length || logBaseline.length != GRID.length) {
      return new SequentialTest(toleratedRatio); // grid changed between versions: restart the test
    }
    return new SequentialTest(toleratedRatio, logControl.clone(), logBaseline.clone());
  }

  /**
   * A device's first failure in the fleet, on the candidate ({@code onCandidate}) or on the control,
   * with the devices exposed to each at that moment.
   */
  public void controlEvent(boolean onCandidate, long candidateDevices, long controlDevices) {
    if (candidateDevices <= 0 || controlDevices <= 0) {
      return; // no comparison possible: the event carries no information about the ratio
    }
    double r = toleratedRatio;
    double p0 = r * candidateDevices / (r * candidateDevices + controlDevices);
    for (int i = 0; i < GRID.length; i++) {
      double rho = r * GRID[i];
      double p1 = rho * candidateDevices / (rho * candidateDevices + controlDevices);
      logControl[i] += onCandidate ? Math.log(p1 / p0) : Math.log((1 - p1) / (1 - p0));
    }
  }

  /**
   * The candidate's failures against the baseline rate: {@code failures} new failures over
   * {@code deviceHours} more exposure, with {@code baselineRate} failures per device-hour.
   */
  public void baselineEvidence(long failures, double deviceHours, double baselineRate) {
    if (!Double.isFinite(baselineRate)) {
      return; // no pre-rollout history at all: the baseline test cannot speak
    }
    double r = toleratedRatio;
    for (int i = 0; i < GRID.length; i++) {
      double rho = r * GRID[i];
      logBaseline[i] += failures * Math.log(GRID[i]) - (rho - r) * baselineRate * deviceHours;
    }
  }

  /** The control mixture: the average likelihood ratio over the grid. */
  public double controlStatistic() {
    return mixture(logControl);
  }

  public double baselineStatistic() {
    return mixture(logBaseline);
  }

  public double[] logControl() {
    return logControl.clone();
  }

  public double[] logBaseline() {
    return logBaseline.clone();
  }

  private static double mixture(double[] logs) {
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logs) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (double l : logs) {
      sum += Math.exp(l - max);
    }
    return Math.exp(max + Math.log(sum / logs.length));
  }

  /**
   * Upper confidence bound of a Poisson rate after {@code failures} in {@code deviceHours}: a few
   * seconds of history give a wide bound, so a short baseline never makes a rollout look bad.
   */
  public static double upperRateBound(long failures, double deviceHours) {
    if (deviceHours <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    double z = 3.0; // one-sided ~99.9%
    double k = failures;
    return (k + z * z / 2 + z * Math.sqrt(k + z * z / 4)) / deviceHours;
  }
}
