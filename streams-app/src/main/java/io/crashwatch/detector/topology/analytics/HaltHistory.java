package io.crashwatch.detector.topology.analytics;

import io.crashwatch.detector.topology.alerts.Alerts;
import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.status.EvidenceView;
import io.crashwatch.detector.topology.status.HaltView;
import io.crashwatch.detector.topology.status.Numbers;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import java.util.ArrayList;
import java.util.List;

/**
 * Every HALT one target had, oldest first, each with who lifted it: the kill switch keeps only the latest command
 * per target, and analysts ask what happened last week. Bounded by {@link #MAX_HALTS} and by the analytics
 * retention after a HALT is lifted; a standing one is kept for as long as it stands.
 */
@StateFormat(1)
public final class HaltHistory {
  /** HALTs kept per target: a target halted more often than this keeps the latest. */
  static final int MAX_HALTS = 20;

  /** One HALT, and its RESUME once it is lifted. */
  public static final class Entry {
    public String commandId;
    public boolean shadow;
    /** {@code CRASH_SPIKE}, {@code DEVICES_DARK}, {@code ESCALATION} or {@code OPERATOR} (a FORCE_HALT). */
    public String reason;
    /** Who forced it; null for the detector's own decision. */
    public String actor;
    public String note;
    public long haltedAtMs;
    public EvidenceView evidence;
    /** 0 while it stands. */
    public long liftedAtMs;
    public String liftedBy;
    public String liftNote;
    public String liftCommandId;

    public boolean standing() {
      return liftedAtMs == 0;
    }
  }

  public List<Entry> halts = new ArrayList<>();

  /**
   * Adds what a kill-switch command says: a HALT once (the kill switch writes a command again on a key rotation
   * or after tampering), a RESUME lifting the one that stands. True when anything changed.
   */
  boolean add(KillSwitchCommand command) {
    String id = command.getCommandId();
    if (halts.stream().anyMatch(e -> id.equals(e.commandId) || id.equals(e.liftCommandId))) {
      return false;
    }
    long at = command.getIssuedAt().toEpochMilli();
    if (command.getAction() == KillSwitchAction.RESUME) {
      for (int i = halts.size() - 1; i >= 0; i--) {
        Entry e = halts.get(i);
        if (e.standing()) {
          e.liftedAtMs = at;
          e.liftedBy = command.getActor();
          e.liftNote = command.getNote();
          e.liftCommandId = id;
          return true;
        }
      }
      return false; // a RESUME of a HALT from before the history was kept: the kill switch knows the rest
    }
    Entry e = new Entry();
    e.commandId = id;
    e.shadow = command.getShadow();
    e.reason = command.getReason() == null ? null : command.getReason().name();
    e.actor = command.getActor();
    e.note = command.getNote();
    e.haltedAtMs = at;
    e.evidence = EvidenceView.of(command.getEvidence());
    halts.add(e);
    while (halts.size() > MAX_HALTS) {
      halts.remove(halts.stream().filter(h -> !h.standing()).findFirst().orElse(halts.get(0)));
    }
    return true;
  }

  /** Each HALT of {@code target} as the halts list shows it. */
  public List<HaltView> views(String target) {
    Target t = Target.parse(target);
    String fleet = t.isGlobal() ? null : t.fleetId();
    return halts.stream().map(e -> new HaltView(target, fleet, t.component(), t.version(), e.standing(), e.shadow, e.commandId,
        e.reason, Numbers.iso(e.haltedAtMs), e.actor, e.note, e.evidence, e.standing() ? Alerts.resumeCommand(t, e.commandId) : null,
        e.standing() ? null : Numbers.iso(e.liftedAtMs), e.liftedBy, e.liftNote)).toList();
  }

  /** Drops HALTs lifted before {@code oldestMs}; true when any went. */
  boolean forgetLiftedBefore(long oldestMs) {
    return halts.removeIf(e -> !e.standing() && e.liftedAtMs < oldestMs);
  }
}
