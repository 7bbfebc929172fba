package io.crashwatch.detector.topology.status;

/**
 * One version of a component in a fleet, as the fleets list shows it.
 *
 * @param share devices on it of the fleet's devices on the component (adoption)
 * @param state as the status route says: {@code UNDER_TEST}, {@code TRIPPED}, {@code CANNOT_JUDGE}, {@code ESTABLISHED}
 *              or {@code NOT_TESTED}
 */
public record VersionDevices(String version, long devices, double share, String state) {
}
