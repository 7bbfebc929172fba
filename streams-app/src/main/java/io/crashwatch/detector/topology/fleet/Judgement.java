package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.decision.SequentialTest;
import io.crashwatch.detector.topology.model.EvidenceData;
import io.crashwatch.detector.topology.model.Verdict;

/** The decision on one version, evaluated on every failure: both conditions, then the evidence. */
final class Judgement {
  private Judgement() {
  }

  /** A verdict when the version trips now, else null. */
  static Verdict judge(FleetStatistics fleet, String version, VersionStatistics v, SequentialTest test,
             long controlDevices, DetectionRules rules, long atMs) {
    if (v.failedDevices < rules.minDevices()) {
      return null;
    }
    // With a control, only the control decides: a fleet-wide incident hits it too and trips nothing.
    boolean withControl = controlDevices > 0;
    double statistic = withControl ? test.controlStatistic() : test.baselineStatistic();
    double threshold = 1 / rules.alpha();
    if (statistic < threshold) {
      return null;
    }
    double failureRate = rate(v.failedDevices, v.deviceHours);
    double controlRate = withControl ? controlRate(fleet, version) : v.baselineRate;
    // A control without failures yet still gives a finite ratio: its rate counts as at least the floor.
    double ratio = failureRate / Math.max(controlRate, rules.baselineFloor());
    String reason = v.darkDevices > v.crashedDevices + v.uncleanReboots ? "DEVICES_DARK" : "CRASH_SPIKE";
    EvidenceData evidence = new EvidenceData(v.exposed, v.failedDevices, v.crashedDevices, v.darkDevices,
        v.uncleanReboots, failureRate, withControl ? "CONTROL" : "BASELINE", controlDevices, controlRate,
        ratio, statistic, threshold, v.topSignature(), v.firstFailureMs);
    return new Verdict(fleet.fleetId, fleet.component, version, reason, v.epoch, evidence, atMs);
  }

  private static double controlRate(FleetStatistics fleet, String version) {
    long failed = 0;
    double hours = 0;
    for (var e : fleet.versions.entrySet()) {
      if (!e.getKey().equals(version)) {
        failed += e.getValue().failedDevices;
        hours += e.getValue().deviceHours;
      }
    }
    return rate(failed, hours);
  }

  private static double rate(long failures, double deviceHours) {
    return deviceHours > 0 ? failures / deviceHours : 0;
  }
}
