package io.crashwatch.detector.topology.model;

/**
 * What a kill-switch command applies to: {@code fleetId/component/version}, or
 * {@code *}{@code /component/version} for every fleet. Ids may not contain {@code /} or be {@code *}.
 *
 * @param fleetId null for a global target
 */
public record Target(String fleetId, String component, String version) {
  public static final String ALL_FLEETS = "*";

  /** @throws IllegalArgumentException saying what is wrong with {@code text} */
  public static Target parse(String text) {
    String[] parts = text == null ? new String[0] : Keys.split(text, -1);
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

  public boolean isGlobal() {
    return fleetId == null;
  }

  /** Key of the kill switch's state: a version's fleet targets and global target live together. */
  public VersionKey versionKey() {
    return new VersionKey(component, version);
  }

  /** Key of the fleet statistics a fleet target's version is tested in; not for a global target. */
  public FleetComponentKey fleetComponentKey() {
    return new FleetComponentKey(fleetId, component);
  }

  @Override
  public String toString() {
    return Keys.join(isGlobal() ? ALL_FLEETS : fleetId, component, version);
  }
}
