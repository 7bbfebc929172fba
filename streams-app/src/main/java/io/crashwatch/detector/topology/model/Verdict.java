package io.crashwatch.detector.topology.model;

/**
 * A version tripped in a fleet: failed devices reached {@code min-devices} and the sequential test
 * rejected "fails at most tolerated-ratio times as often as its comparison". Keyed by its target's
 * {@link VersionKey} on its way to the kill switch.
 *
 * <p>Or, with reason {@link #CANNOT_JUDGE}, the opposite of a decision: the version needs the baseline
 * test in this fleet (no control large enough) and the fleet's history is too short for it ever to
 * speak, so the detector cannot judge it there and says so.
 *
 * @param reason CRASH_SPIKE or DEVICES_DARK, by which kind of failure dominates; or CANNOT_JUDGE
 * @param epoch  the version's RESUMEs so far in this fleet, so each decision has its own command id
 */
public record Verdict(String fleetId, String component, String version, String reason, int epoch,
           EvidenceData evidence, long decidedAtMs) {
  public static final String CANNOT_JUDGE = "CANNOT_JUDGE";

  public boolean cannotJudge() {
    return CANNOT_JUDGE.equals(reason);
  }

  /** The fleet target that tripped. */
  public Target target() {
    return new Target(fleetId, component, version);
  }
}
