package io.crashwatch.detector.topology.status;

/** The candidate's failed devices since the test started, by kind of first failure. */
public record Failures(long devices, long crashed, long uncleanReboots, long dark, String topSignature, String firstFailureAt) {
}
