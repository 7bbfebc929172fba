package io.crashwatch.detector.topology.status;

import java.util.List;

/**
 * One arm of a version's test since its start: devices at risk (not failed since the start) and first failures
 * counted as evidence, each by stratum (the device's failures in the baseline window before the start: 0, 1, 2,
 * 3 or more), and the device-hours at risk.
 *
 * @param failedByStratum null for a test started before these were kept
 */
public record Arm(List<Long> atRiskByStratum, List<Long> failedByStratum, long atRisk, long failed, double deviceHours) {
}
