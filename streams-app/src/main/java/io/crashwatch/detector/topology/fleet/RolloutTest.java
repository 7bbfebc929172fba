package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.topology.decision.BaselineTest;
import io.crashwatch.detector.topology.decision.ControlTest;
import io.crashwatch.detector.topology.decision.Grid;
import io.crashwatch.detector.topology.model.PooledEvidence;
import io.crashwatch.detector.topology.model.DeviceChange;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One rollout's test of a version, from its start (or an operator RESUME) on: fresh cohorts. A device
 * is at risk, in whichever arm it is in, from the start (or from when it is first seen) until its
 * first failure since the start, and does not re-enter when it switches. Each arm's at-risk devices
 * are counted per stratum — their failures in the baseline window before the start: 0, 1, 2, 3 or more
 * — so a canary ring of the flakiest (or the steadiest) devices is compared like with like.
 */
public final class RolloutTest {
  static final int STRATA = DeviceChange.RECENT_FAILURES + 1;

  public long startMs;
  /** The version the rollout replaces, when known: a rollout back to it is a rollback, which ends no test. */
  public String fromVersion;
  /** At-risk devices on the candidate, by stratum. */
  public long[] candidate = new long[STRATA];
  /** At-risk devices on the other versions of the component, by stratum. */
  public long[] control = new long[STRATA];
  /**
   * First failures counted as evidence, by arm and stratum, for the status of the test; null in state from
   * before they were kept.
   */
  public long[] candidateFailed;
  public long[] controlFailed;
  /** When it tripped and when it was found it cannot judge (event time); 0 when not, or from before they were kept. */
  public long trippedAtMs;
  public long cannotJudgeAtMs;
  /** Control at-risk device-hours and first failures since the start, for the evidence. */
  public double controlHours;
  public long controlFailures;
  public long failedDevices;
  public long crashedDevices;
  public long uncleanReboots;
  public long darkDevices;
  public long firstFailureMs;
  public Map<String, Long> signatures = new HashMap<>();
  public double[] logControl;
  public BaselineTest baseline = new BaselineTest();
  /** The logs this test's reports to the pooled global test add up to so far; null before the first. */
  public double[] reportedControl;
  public double[] reportedBaseline;
  public boolean tripped;
  /** When the test started on the detector's wall clock; 0 in state from before it was kept. */
  public long startWallMs;
  /** Devices first seen after the start: never part of this test; a burst of them raises UNTRUSTED_EVIDENCE. */
  public long newDevices;
  public boolean newDevicesAlerted;
  /** Set once the baseline test was needed and could not judge: said once, never a storm. */
  public boolean cannotJudge;

  public RolloutTest() {
  }

  /**
   * Whether the change is of a device the detector first saw after this test started, both on its wall
   * clock (a device's own clock may be skewed either way): no evidence here. Tests and devices from before
   * either time was kept count as before.
   */
  boolean seenAfterStart(io.crashwatch.detector.topology.model.DeviceChange change) {
    return startWallMs > 0 && change.deviceFirstSeenMs() > startWallMs;
  }

  RolloutTest(long startMs, BaselineTest baseline) {
    this.startMs = startMs;
    this.baseline = baseline;
    this.candidateFailed = new long[STRATA];
    this.controlFailed = new long[STRATA];
  }

  /** The stratum of a device with these latest failures: how many fell in the baseline window before the start. */
  int stratum(List<Long> failuresMs, long windowMs) {
    long width = FleetHistory.bucketWidthMs(windowMs);
    List<Long> buckets = new java.util.ArrayList<>();
    for (long t : failuresMs) {
      if (t < startMs) {
        buckets.add(Math.floorDiv(t, width));
      }
    }
    return stratumOfBuckets(buckets, windowMs);
  }

  /** The same from failure buckets, as fleet statistics count devices. */
  int stratumOfBuckets(List<Long> buckets, long windowMs) {
    long width = FleetHistory.bucketWidthMs(windowMs);
    long from = Math.floorDiv(startMs - windowMs, width);
    int inWindow = 0;
    for (long b : buckets) {
      if (b >= from) {
        inWindow++;
      }
    }
    return inWindow;
  }

  /** Whether a device whose latest failure was at {@code lastFailureMs} (0: none) is still at risk: none since the start. */
  boolean atRisk(long lastFailureMs) {
    return lastFailureMs < startMs;
  }

  /** A first failure counted as evidence in an arm's stratum; a test from before these were kept has none to add to. */
  void failedIn(boolean candidateArm, int stratum) {
    long[] failed = candidateArm ? candidateFailed : controlFailed;
    if (failed != null && stratum < failed.length) {
      failed[stratum]++;
    }
  }

  long[] arm(boolean candidateArm) {
    return candidateArm ? candidate : control;
  }

  long candidateTotal() {
    return java.util.Arrays.stream(candidate).sum();
  }

  long controlTotal() {
    return java.util.Arrays.stream(control).sum();
  }

  double exposureHours() {
    return baseline.exposureHours;
  }

  /**
   * What the test learned since its last report to the pooled global test, or, with {@code withdraw},
   * the negative of all it reported (an operator RESUME starts it over).
   */
  PooledEvidence report(String fleetId, String component, String version, double toleratedRatio, boolean withdraw) {
    double[] control = withdraw ? new double[Grid.SIZE] : ControlTest.restore(toleratedRatio, logControl).logs();
    double[] base = withdraw ? new double[BaselineTest.LOGS] : baseline.logs(toleratedRatio);
    PooledEvidence evidence = new PooledEvidence(fleetId, component, version, minus(control, reportedControl),
        minus(base, reportedBaseline));
    reportedControl = control;
    reportedBaseline = base;
    return evidence;
  }

  private static List<Double> minus(double[] now, double[] before) {
    List<Double> delta = new java.util.ArrayList<>(now.length);
    for (int i = 0; i < now.length; i++) {
      delta.add(now[i] - (before == null ? 0 : before[i]));
    }
    return delta;
  }

  String topSignature() {
    return signatures.entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey).orElse(null);
  }
}
