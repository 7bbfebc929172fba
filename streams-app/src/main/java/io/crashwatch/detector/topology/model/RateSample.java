package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.killswitch.Target;

/**
 * A version's state after one change, for the analysts' crash rates: how many devices it has now,
 * and whether this change was a first failure (and of which kind). Keyed by {@link #key()}.
 *
 * @param failure CRASH, UNCLEAN_REBOOT or DARK for a device's first failure on the version; null otherwise
 */
@StateFormat(1)
public record RateSample(String fleetId, String component, String version, long devices, String failure, long atMs) {

  /** The version in its fleet, written like a fleet target: {@code fleet/component/version}. */
  public Target key() {
    return new Target(fleetId, component, version);
  }
}
