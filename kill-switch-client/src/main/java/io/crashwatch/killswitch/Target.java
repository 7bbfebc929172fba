package io.crashwatch.killswitch;

import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;

/**
 * What a kill-switch command applies to, and the key of its record: {@code fleetId/component/version},
 * or {@code *}{@code /component/version} for every fleet. Ids may not contain {@code /} or be
 * {@code *}. The one definition of the format: the detector writes it, rollout services read it.
 *
 * @param fleetId null for a global target
 */
public record Target(String fleetId, String component, String version) {
  public static final String SEPARATOR = "/";
  public static final String ALL_FLEETS = "*";

  /** @throws IllegalArgumentException saying what is wrong with {@code text} */
  public static Target parse(String text) {
    String[] parts = text == null ? new String[0] : text.split(SEPARATOR, -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("target '" + text + "' is not fleetId/component/version or */component/version");
    }
    for (int i = 0; i < 3; i++) {
      if (parts[i].isBlank() || (i > 0 && parts[i].equals(ALL_FLEETS))) {
        throw new IllegalArgumentException("target '" + text + "' has an empty or '*' component or version");
      }
    }
    return new Target(parts[0].equals(ALL_FLEETS) ? null : parts[0], parts[1], parts[2]);
  }

  public static Target global(String component, String version) {
    return new Target(null, component, version);
  }

  /** The target a command is for: its record's key must be this target's text. */
  public static Target of(KillSwitchCommand command) {
    return command.getScope() == Scope.GLOBAL ? global(command.getComponent(), command.getVersion())
        : new Target(command.getFleetId(), command.getComponent(), command.getVersion());
  }

  public boolean isGlobal() {
    return fleetId == null;
  }

  @Override
  public String toString() {
    return String.join(SEPARATOR, isGlobal() ? ALL_FLEETS : fleetId, component, version);
  }
}
