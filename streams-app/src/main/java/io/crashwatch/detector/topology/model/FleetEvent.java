package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;

/**
 * Input of fleet statistics, keyed by {@link FleetComponentKey}: a device change; an operator RESUME of
 * one of the component's versions, which restarts that version's test; or a rollout service's
 * announcement that a version is being rolled out, which makes it a candidate even before any
 * device is seen switching to it (a detector started mid-rollout) and ends the tests of the versions
 * it follows.
 *
 * @param announcedPrevious the version the announced rollout replaces, when the service says
 *
 * <p>Format 2 can carry a device that LEFT: a reader of format 1 would fail on the kind, so it refuses the format.
 */
@StateFormat(2)
public record FleetEvent(DeviceChange change, String resumedVersion, String announcedVersion, long announcedAtMs,
                         String announcedPrevious) {

  public static FleetEvent of(DeviceChange change) {
    return new FleetEvent(change, null, null, 0, null);
  }

  public static FleetEvent resume(String version) {
    return new FleetEvent(null, version, null, 0, null);
  }

  public static FleetEvent announce(String version, long startedAtMs, String previous) {
    return new FleetEvent(null, null, version, startedAtMs, previous);
  }
}
