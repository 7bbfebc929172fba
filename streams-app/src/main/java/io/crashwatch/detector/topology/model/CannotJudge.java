package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;

/**
 * The opposite of a decision: a version needs the baseline test in this fleet (no control large
 * enough) and the fleet's history is too short for that test ever to reach its threshold, so the
 * detector cannot judge it there and says so — never a silent pass. Sent once per test, keyed by
 * its target's {@link VersionKey}: the kill switch makes one alert of every fleet's. Sent again with
 * {@code over} when that test ends: the version is established there, or a later one replaced it.
 */
public record CannotJudge(String fleetId, String component, String version, EvidenceData evidence, long decidedAtMs,
                          boolean over) {

  public Target target() {
    return new Target(fleetId, component, version);
  }
}
