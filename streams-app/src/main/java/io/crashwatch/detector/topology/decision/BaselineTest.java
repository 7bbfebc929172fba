package io.crashwatch.detector.topology.decision;

/**
 * The baseline test, for rollouts that leave too small a control: does the candidate fail more than
 * {@code r} times as often as the fleet did over the baseline window before the rollout started?
 * Exact and anytime-valid, with no bound on the historical rate and no floor: the history is the
 * control of a {@link ControlTest}-like conditional test, replayed alongside the candidate.
 *
 * <p>The fleet's history — {@code c} failures in {@code E} device-hours, all devices, repeats
 * included — is replayed while the candidate accrues its first {@code U = E/q} at-risk device-hours
 * ("pace" q): on that shared clock both arms are Poisson processes whose rates stand in the ratio
 * {@code λc·U / (λh·E)}, so each candidate first failure comes from the candidate with probability
 * {@code p0 = r/(r+q)} under H0 and {@code p1 = ρ/(ρ+q)} under the alternative ρ — the control test's
 * formula. Historical failures are replayed as a fluid, {@code c·u/U} of them by candidate exposure u:
 * by Jensen that bounds the exact replay (each at a uniformly random point) from below, and the exact
 * replay projected on what we observe is a martingale, so Ville's inequality still holds. After U the
 * pace has no history left and stops. Each pace in {@link #PACES} is run at {@code alpha/paces}
 * (a union bound), so the test needs no guess of how fast a regression shows.
 *
 * <p>Under H0 with devices that differ, the candidate's first failures per at-risk device-hour are at
 * most the fleet's average failures per device-hour (the flakiest fail first and leave the risk set),
 * so the test stays valid; a whole-fleet push has no canary selection to bias it.
 */
public final class BaselineTest {
  /** History device-hours per candidate device-hour replayed against it, from a day-long to a seconds-long race. */
  static final double[] PACES = {1, 4, 16, 64, 256, 1024, 4096, 16384};
  /** Length of {@link #logs}: one per pace and grid ratio. */
  public static final int LOGS = PACES.length * Grid.SIZE;

  /** The fleet's device-hours over the baseline window before the start: frozen for the test. */
  public double historyHours;
  /** The fleet's failures over the same window, every failure of every device. */
  public long historyFailures;
  /** Candidate at-risk device-hours since the start. */
  public double exposureHours;
  /** Per pace, the candidate's first failures while that pace still had history to replay. */
  public long[] failures = new long[PACES.length];

  public BaselineTest() {
  }

  public BaselineTest(double historyHours, long historyFailures) {
    this.historyHours = historyHours;
    this.historyFailures = historyFailures;
  }

  public void exposure(double deviceHours) {
    exposureHours += deviceHours;
  }

  /** A candidate device's first failure since the start. */
  public void failure() {
    if (failures == null || failures.length != PACES.length) {
      failures = new long[PACES.length];
    }
    for (int j = 0; j < PACES.length; j++) {
      if (exposureHours <= historyHours / PACES[j]) {
        failures[j]++;
      }
    }
  }

  /**
   * How many more first failures on the candidate, at today's exposure, would take the statistic to
   * {@code threshold}: 0 when it is there already; null when {@code atRisk} more (or {@code cap}) would not do.
   */
  public Integer failuresToReach(double toleratedRatio, double threshold, long atRisk, int cap) {
    BaselineTest copy = new BaselineTest(historyHours, historyFailures);
    copy.exposureHours = exposureHours;
    copy.failures = failures == null ? new long[PACES.length] : failures.clone();
    long most = Math.min(atRisk, cap);
    for (long k = 0; k <= most; k++) {
      if (copy.statistic(toleratedRatio) >= threshold) {
        return (int) k;
      }
      copy.failure();
    }
    return null;
  }

  /** The evidence against H0, rejecting at {@code 1/level}: the strongest pace, each at level/paces. */
  public double statistic(double toleratedRatio) {
    return statistic(toleratedRatio, historyHours, historyFailures, exposureHours, failures);
  }

  /**
   * Whether the test could ever reach {@code threshold} on this history: if every one of
   * {@code devices} failed, each after {@code hoursAtRisk} on the candidate, would it? When not, the
   * detector cannot judge a rollout without a control, and says so instead of passing it.
   */
  public boolean canReach(double toleratedRatio, long devices, double hoursAtRisk, double threshold) {
    if (historyHours <= 0 || devices <= 0) {
      return false;
    }
    double perFailure = Math.max(hoursAtRisk, 1e-12);
    for (double stopPace : PACES) {
      // Stop when the stopPace's history runs out: every failure so far counted in each faster-replaying pace it fits.
      long stop = Math.min(devices, (long) Math.floor(historyHours / stopPace / perFailure));
      long[] early = new long[PACES.length];
      for (int j = 0; j < PACES.length; j++) {
        early[j] = Math.min(stop, (long) Math.floor(historyHours / PACES[j] / perFailure));
      }
      if (statistic(toleratedRatio, historyHours, historyFailures, stop * perFailure, early) >= threshold) {
        return true;
      }
    }
    return false;
  }

  private static double statistic(double r, double historyHours, long historyFailures, double exposure, long[] failures) {
    return pooled(logs(r, historyHours, historyFailures, exposure, failures));
  }

  /** The test's log-likelihood ratios, pace by pace, one per grid ratio: what the pooled global test adds up. */
  public double[] logs(double toleratedRatio) {
    return logs(toleratedRatio, historyHours, historyFailures, exposureHours, failures);
  }

  /**
   * The statistic of logs laid out as {@link #logs}, rejecting at {@code 1/level}: the strongest
   * pace's mixture, each pace at level/paces. For one fleet's logs or for sums over fleets.
   */
  public static double pooled(double[] logs) {
    int grid = Grid.MULTIPLES.length;
    double best = 0;
    for (int j = 0; j < PACES.length; j++) {
      best = Math.max(best, Grid.mixture(java.util.Arrays.copyOfRange(logs, j * grid, (j + 1) * grid)));
    }
    return best / PACES.length;
  }

  private static double[] logs(double r, double historyHours, long historyFailures, double exposure, long[] failures) {
    int grid = Grid.MULTIPLES.length;
    double[] logs = new double[PACES.length * grid];
    if (historyHours <= 0) {
      return logs; // no history: no evidence either way, a likelihood ratio of 1
    }
    for (int j = 0; j < PACES.length; j++) {
      double q = PACES[j];
      double replayed = historyFailures * Math.min(1, exposure * q / historyHours);
      double p0 = r / (r + q);
      for (int i = 0; i < grid; i++) {
        double rho = r * Grid.MULTIPLES[i];
        double p1 = rho / (rho + q);
        logs[j * grid + i] = failures[j] * Math.log(p1 / p0) + replayed * Math.log((1 - p1) / (1 - p0));
      }
    }
    return logs;
  }
}
