package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;

/**
 * {@code fleet/component}: where one component's statistics in one fleet live (the
 * {@code fleet-events} repartition and the {@code fleet-statistics} store), so that every version's
 * test has its control at hand.
 */
public record FleetComponentKey(String fleetId, String component) {

  /** The statistics a fleet target's version is tested in; not for a global target. */
  public static FleetComponentKey of(Target target) {
    return new FleetComponentKey(target.fleetId(), target.component());
  }

  public static FleetComponentKey parse(String key) {
    String[] parts = Keys.split(key, 2);
    return new FleetComponentKey(parts[0], parts[1]);
  }

  @Override
  public String toString() {
    return Keys.join(fleetId, component);
  }
}
