package io.crashwatch.detector.topology.status;

/** What a test's figures rest on: devices, device-hours and failures of the candidate and of what it is compared with. */
public record Sample(long candidateDevices, double candidateDeviceHours, long candidateFailures,
                     long comparisonDevices, double comparisonDeviceHours, long comparisonFailures) {
}
