package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.topology.device.DeviceChange;

/**
 * Input of fleet statistics, keyed {@code fleet/component}: a device change, or an operator RESUME
 * of one of the component's versions, which restarts that version's test.
 */
public record FleetEvent(DeviceChange change, String resumedVersion) {

  public static FleetEvent of(DeviceChange change) {
    return new FleetEvent(change, null);
  }

  public static FleetEvent resume(String version) {
    return new FleetEvent(null, version);
  }
}
