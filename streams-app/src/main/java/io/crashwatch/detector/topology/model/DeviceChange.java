package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;

/**
 * What travels from device state to fleet statistics — only changes, never a record per heartbeat:
 * that is what lets one instance serve millions of devices. Keyed {@link #key()}.
 *
 * @param kind         what happened
 * @param version      the component version concerned (the new one for APPLIED)
 * @param previous     for APPLIED, the version the device left; null for a device seen the first time
 * @param previousFailed for APPLIED, whether the device had failed on the version it left
 * @param devices      how many devices the change is for: 1, or a count of devices seen for the first time
 * @param firstFailure for FAILED and WENT_DARK: the device's first failure on this version, to be counted
 * @param failure      for FAILED and WENT_DARK, how it failed
 * @param signature    for crashes, bugcheck code + faulting module
 * @param atMs         event time of the change
 */
@StateFormat(1)
public record DeviceChange(
    Kind kind,
    String fleetId,
    String component,
    String version,
    String previous,
    boolean previousFailed,
    String deviceId,
    long devices,
    boolean firstFailure,
    Failure failure,
    String signature,
    long atMs) {

  public enum Kind { APPLIED, FAILED, WENT_DARK, CAME_BACK }

  public enum Failure { CRASH, UNCLEAN_REBOOT, DARK }

  public FleetComponentKey key() {
    return new FleetComponentKey(fleetId, component);
  }

  /** A device switched from {@code previous} to {@code version}. */
  public static DeviceChange applied(String fleet, String component, String version, String previous,
                                      boolean previousFailed, String device, long at) {
    return new DeviceChange(Kind.APPLIED, fleet, component, version, previous, previousFailed, device, 1, false, null, null, at);
  }

  /** {@code devices} devices seen for the first time, on {@code version}: counted, not switched. */
  public static DeviceChange firstSeen(String fleet, String component, String version, long devices, long at) {
    return new DeviceChange(Kind.APPLIED, fleet, component, version, null, false, null, devices, false, null, null, at);
  }

  public static DeviceChange failed(String fleet, String component, String version, String device, Failure failure,
                String signature, long at) {
    Kind kind = failure == Failure.DARK ? Kind.WENT_DARK : Kind.FAILED;
    return new DeviceChange(kind, fleet, component, version, null, false, device, 1, true, failure, signature, at);
  }

  public static DeviceChange wentDarkAgain(String fleet, String component, String version, String device, long at) {
    return new DeviceChange(Kind.WENT_DARK, fleet, component, version, null, false, device, 1, false, Failure.DARK, null, at);
  }

  public static DeviceChange cameBack(String fleet, String component, String version, String device, long at) {
    return new DeviceChange(Kind.CAME_BACK, fleet, component, version, null, false, device, 1, false, null, null, at);
  }
}
