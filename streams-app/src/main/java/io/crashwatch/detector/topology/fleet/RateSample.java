package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.topology.format.StateFormat;

/**
 * A version's state after one change, for the analysts' crash rates: how many devices it has now,
 * and whether this change was a first failure (and of which kind). Keyed fleet/component/version.
 *
 * @param failure CRASH, UNCLEAN_REBOOT or DARK for a device's first failure on the version; null otherwise
 */
@StateFormat(1)
public record RateSample(String fleetId, String component, String version, long devices, String failure, long atMs) {
}
