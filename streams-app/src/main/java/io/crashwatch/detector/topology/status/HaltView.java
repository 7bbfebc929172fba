package io.crashwatch.detector.topology.status;

import java.util.Comparator;

/**
 * One HALT, standing or lifted: its evidence and who lifted it.
 *
 * @param fleet          null for a global HALT
 * @param forcedBy       the operator who forced it; null for the detector's own decision
 * @param resumeCommand  the command that lifts it, while it stands (the operator's key and reason to fill in)
 * @param liftedAt       null while it stands
 */
public record HaltView(String target, String fleet, String component, String version, boolean standing, boolean shadow,
                       String commandId, String reason, String haltedAt, String forcedBy, String note,
                       EvidenceView evidence, String resumeCommand, String liftedAt, String liftedBy, String liftNote) {
  /** Standing first, then the latest. */
  public static final Comparator<HaltView> LATEST_FIRST = Comparator.comparing((HaltView h) -> !h.standing())
      .thenComparing(HaltView::haltedAt, Comparator.nullsLast(Comparator.reverseOrder()))
      .thenComparing(HaltView::target);

  /** A standing HALT as the kill switch keeps it: one from before the halt history was kept has only this. */
  public static HaltView standing(Halt halt, String fleet, String component, String version) {
    return new HaltView(halt.target(), fleet, component, version, true, halt.shadow(), halt.commandId(), halt.reason(),
        halt.haltedAt(), halt.actor(), halt.note(), halt.evidence(), halt.resumeCommand(), null, null, null);
  }
}
