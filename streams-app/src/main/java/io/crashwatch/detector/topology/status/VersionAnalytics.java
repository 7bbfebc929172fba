package io.crashwatch.detector.topology.status;

/**
 * One version of a component in a fleet, for analysts.
 *
 * @param adoption devices on it of the fleet's devices on the component
 * @param failed   devices that failed on it, each once, by the kind of its first failure there: every one, a HALT
 *                 or not (the status' {@code failures} are its test's, which stop at the trip); its top signature
 *                 and first failure are the test's
 * @param crashFree the share of the devices that took it with no failure on it since: 1 - failed / adopted
 * @param status   the status route's answer for it: state, since, why, each test against its threshold
 */
public record VersionAnalytics(String version, long devices, double adoption, Failures failed, double crashFree,
                               VersionStatus status) {
}
