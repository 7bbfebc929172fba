package io.crashwatch.detector.topology.status;

import io.crashwatch.schemas.Evidence;

/** A decision's evidence as its command carries it, without the rule settings (the API shows no settings values). */
public record EvidenceView(long devicesOnVersion, long failedDevices, long crashedDevices, long darkDevices,
                           long uncleanReboots, double failureRate, String comparison, long controlDevices, double controlRate,
                           double rateRatio, double testStatistic, double threshold, String topSignature, String firstFailureAt,
                           String detectorVersion) {

  public static EvidenceView of(Evidence e) {
    return e == null ? null : new EvidenceView(e.getDevicesOnVersion(), e.getFailedDevices(), e.getCrashedDevices(),
        e.getDarkDevices(), e.getUncleanReboots(), e.getFailureRate(), e.getComparison().name(), e.getControlDevices(),
        e.getControlRate(), e.getRateRatio(), e.getTestStatistic(), e.getThreshold(), e.getTopSignature(),
        e.getFirstFailureAt() == null ? null : e.getFirstFailureAt().toString(), e.getDetectorVersion());
  }
}
