package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.decision.ControlTest;
import io.crashwatch.detector.topology.model.CannotJudge;
import io.crashwatch.detector.topology.model.EvidenceData;
import io.crashwatch.detector.topology.model.Verdict;

/**
 * The decision on one version, evaluated on every failure of it: enough failed devices, then the test
 * that can tell. The control test decides while the control is large enough to inform — it is immune
 * to what hits the whole fleet; only while it is too small may the baseline test halt. Each runs at
 * alpha/2, so whichever speaks, a version's false-halt probability stays at most alpha.
 */
final class Judgement {
  /** The control informs while its at-risk devices are at least this share of the candidate's. */
  static final double CONTROL_SHARE = 0.1;

  private Judgement() {
  }

  /** Sends a verdict when the version trips now, or says the first time that it cannot be judged. */
  static void judge(FleetStatistics fleet, String version, VersionStatistics v, DetectionRules rules, long atMs,
                    FleetDecisions out) {
    RolloutTest test = v.test;
    if (test.failedDevices < rules.minDevices()) {
      return;
    }
    double threshold = threshold(rules);
    double r = rules.toleratedRatio();
    boolean withControl = controlInforms(test, rules);
    double statistic;
    if (withControl) {
      statistic = ControlTest.restore(r, test.logControl).statistic();
    } else if (baselineCanReach(fleet, test, rules)) {
      statistic = test.baseline.statistic(r);
    } else {
      if (!test.cannotJudge) {
        test.cannotJudge = true; // too little history for the baseline to ever speak: said once per test
        test.cannotJudgeAtMs = atMs;
        out.cannotJudge(new CannotJudge(fleet.fleetId, fleet.component, version,
            evidence(fleet, v, false, 0, threshold), atMs, false));
      }
      return;
    }
    if (statistic < threshold) {
      return;
    }
    String reason = test.darkDevices > test.crashedDevices + test.uncleanReboots ? "DEVICES_DARK" : "CRASH_SPIKE";
    test.tripped = true;
    test.trippedAtMs = atMs;
    out.verdict(new Verdict(fleet.fleetId, fleet.component, version, reason, v.epoch,
        evidence(fleet, v, withControl, statistic, threshold), atMs, fleet.firstSeenWallMs));
  }

  private static EvidenceData evidence(FleetStatistics fleet, VersionStatistics v, boolean withControl,
                                       double statistic, double threshold) {
    RolloutTest test = v.test;
    double failureRate = rate(test.failedDevices, test.exposureHours());
    double comparisonRate = withControl
        ? rate(test.controlFailures, test.controlHours)
        : rate(test.baseline.historyFailures, test.baseline.historyHours);
    return new EvidenceData(v.exposed, test.failedDevices, test.crashedDevices, test.darkDevices,
        test.uncleanReboots, failureRate, withControl ? "CONTROL" : "BASELINE", fleet.devices() - v.exposed,
        comparisonRate, comparisonRate > 0 ? failureRate / comparisonRate : 0, statistic, threshold,
        test.topSignature(), test.firstFailureMs);
  }

  static boolean controlInforms(RolloutTest test, DetectionRules rules) {
    return test.controlTotal() >= controlNeeded(test, rules);
  }

  /** The control devices at risk the control test needs to decide: min-devices, and a tenth of the candidate's. */
  static double controlNeeded(RolloutTest test, DetectionRules rules) {
    return Math.max(rules.minDevices(), CONTROL_SHARE * test.candidateTotal());
  }

  /** Whether the baseline test could ever reach its threshold on this fleet's history: if not, the version cannot be judged. */
  static boolean baselineCanReach(FleetStatistics fleet, RolloutTest test, DetectionRules rules) {
    return test.baseline.canReach(rules.toleratedRatio(), fleet.devices(), rules.heartbeatInterval().toMillis() / 3_600_000.0,
        threshold(rules));
  }

  /** The statistic both tests reject at: each runs at alpha/2. */
  static double threshold(DetectionRules rules) {
    return 2 / rules.alpha();
  }

  /** Failures per device-hour; none yet counts as half a failure, so the ratio stays finite. */
  private static double rate(long failures, double deviceHours) {
    return deviceHours > 0 ? Math.max(failures, 0.5) / deviceHours : 0;
  }
}
