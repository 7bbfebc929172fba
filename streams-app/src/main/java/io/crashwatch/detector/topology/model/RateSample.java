package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.killswitch.Target;

/**
 * A version's state after one change, for the analysts' crash rates and signatures: how many devices it has now,
 * whether this change was a first failure (and of which kind), and for a crash its signature and device. Keyed by
 * {@link #key()}.
 *
 * @param failure   CRASH, UNCLEAN_REBOOT or DARK for a device's first failure on the version; null otherwise
 * @param signature for a crash on the version, first or not: bugcheck code + faulting module; null otherwise (and
 *                  in records from before it was carried)
 * @param deviceId  the device, beside a signature: signatures are counted by distinct devices
 */
@StateFormat(1)
public record RateSample(String fleetId, String component, String version, long devices, String failure, long atMs,
                         String signature, String deviceId) {

  /** A sample of no crash signature. */
  public RateSample(String fleetId, String component, String version, long devices, String failure, long atMs) {
    this(fleetId, component, version, devices, failure, atMs, null, null);
  }

  /** The version in its fleet, written like a fleet target: {@code fleet/component/version}. */
  public Target key() {
    return new Target(fleetId, component, version);
  }
}
