package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;

/**
 * A version tripped in a fleet: failed devices reached {@code min-devices} and the sequential test
 * rejected "fails at most tolerated-ratio times as often as its comparison". Keyed by its target's
 * {@link VersionKey} on its way to the kill switch.
 * *
 * @param reason CRASH_SPIKE or DEVICES_DARK, by which kind of failure dominates
 * @param epoch  the version's RESUMEs so far in this fleet, so each decision has its own command id
 * @param fleetSeenSinceMs when the detector first saw the fleet, on its wall clock (device clocks can be
 *               set back by whoever sends telemetry): a fleet counts towards a GLOBAL halt only once
 *               it is {@code min-fleet-age} old. 0 in verdicts from before: the fleet counts as established.
 */
public record Verdict(String fleetId, String component, String version, String reason, int epoch,
           EvidenceData evidence, long decidedAtMs, long fleetSeenSinceMs) {
  /** The fleet target that tripped. */
  public Target target() {
    return new Target(fleetId, component, version);
  }
}
