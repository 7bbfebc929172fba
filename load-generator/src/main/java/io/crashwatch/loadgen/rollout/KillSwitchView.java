package io.crashwatch.loadgen.rollout;

import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a rollout service must know of the kill switch: the latest command per target. A rollout of
 * (fleet, component, version) is halted when its fleet target or its global target says HALT;
 * commands with {@code shadow=true} are ignored (the detector runs in SHADOW mode).
 */
public final class KillSwitchView {
  private final Map<String, KillSwitchCommand> latest = new ConcurrentHashMap<>();

  /** Applies one record of the kill-switch topic (key: target). */
  public void apply(String target, KillSwitchCommand command) {
    if (command == null) {
      latest.remove(target); // a tombstone: the target has no state any more
    } else if (!command.getShadow()) {
      latest.put(target, command);
    }
  }

  /** The command that halts this rollout, fleet target first; null while it may proceed. */
  public KillSwitchCommand haltOf(String fleetId, String component, String version) {
    KillSwitchCommand fleet = latest.get(fleetId + "/" + component + "/" + version);
    if (fleet != null && fleet.getAction() == KillSwitchAction.HALT) {
      return fleet;
    }
    KillSwitchCommand global = latest.get("*/" + component + "/" + version);
    return global != null && global.getAction() == KillSwitchAction.HALT ? global : null;
  }

  public boolean isHalted(String fleetId, String component, String version) {
    return haltOf(fleetId, component, version) != null;
  }
}
