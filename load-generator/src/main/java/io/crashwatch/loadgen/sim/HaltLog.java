package io.crashwatch.loadgen.sim;

import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every target the kill switch HALTed during a run, fleet ids as the scenario names them: the report
 * counts a HALT of anything that is not one of the scenario's rollouts as false. Shadow commands are
 * ignored, as the rollouts ignore them, and so are a person's FORCE_HALTs: they are no decision of the
 * detector's.
 */
final class HaltLog {
  private final Map<String, String> fleetBySentId;
  /** Null on a topic of this run's own; on a shared one, HALTs issued before it are other runs' business. */
  private final Instant since;
  private final Set<String> targets = new LinkedHashSet<>();

  private HaltLog(Map<String, String> fleetBySentId, Instant since) {
    this.fleetBySentId = Map.copyOf(fleetBySentId);
    this.since = since;
  }

  /** For a kill-switch topic that is this run's alone (the embedded stack): every HALT on it counts. */
  static HaltLog ownCluster() {
    return new HaltLog(Map.of(), null);
  }

  /**
   * For a shared cluster, whose kill switch also holds other runs' and real fleets' state: only HALTs
   * of this run's fleets (keys: their ids as sent) and global HALTs, issued since {@code start}.
   */
  static HaltLog sharedCluster(Map<String, String> fleetBySentId, Instant start) {
    return new HaltLog(fleetBySentId, start);
  }

  /** Called on the kill-switch listener's thread for each record; {@code command} null is a tombstone. */
  synchronized void record(String target, KillSwitchCommand command) {
    if (command == null || command.getShadow() || command.getAction() != KillSwitchAction.HALT
        || command.getReason() == HaltReason.OPERATOR) {
      return;
    }
    int slash = target.indexOf('/');
    String fleet = slash < 0 ? target : target.substring(0, slash);
    String rest = slash < 0 ? "" : target.substring(slash);
    if (since != null && (command.getIssuedAt().isBefore(since) || !fleet.equals("*") && !fleetBySentId.containsKey(fleet))) {
      return;
    }
    targets.add(fleetBySentId.getOrDefault(fleet, fleet) + rest);
  }

  synchronized List<String> targets() {
    return List.copyOf(targets);
  }
}
