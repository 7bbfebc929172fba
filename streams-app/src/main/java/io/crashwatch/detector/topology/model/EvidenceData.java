package io.crashwatch.detector.topology.model;

/**
 * The figures behind a decision, as carried between processors; becomes the Avro {@code Evidence} of
 * the command and the alert. Rates are failures per device-hour.
 *
 * @param comparison CONTROL (other versions in the fleet) or BASELINE (the fleet before the rollout)
 */
public record EvidenceData(
    long devicesOnVersion,
    long failedDevices,
    long crashedDevices,
    long darkDevices,
    long uncleanReboots,
    double failureRate,
    String comparison,
    long controlDevices,
    double controlRate,
    double rateRatio,
    double testStatistic,
    double threshold,
    String topSignature,
    long firstFailureMs) {
}
