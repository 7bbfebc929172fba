package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * What travels from device state to fleet statistics — only changes, never a record per heartbeat:
 * that is what lets one instance serve millions of devices. Keyed {@link #key()}.
 *
 * @param kind         what happened
 * @param version      the component version concerned (the new one for APPLIED)
 * @param previous     for APPLIED, the version the device left; null for a device seen the first time
 * @param previousFailed for APPLIED, whether the device had failed on the version it left
 * @param devices      how many devices the change is for: 1, or a count of devices seen for the first time
 * @param firstFailure for FAILED and WENT_DARK: the device's first failure on this version (analysts' rates)
 * @param failure      for FAILED and WENT_DARK, how it failed
 * @param signature    for crashes, bugcheck code + faulting module
 * @param atMs         event time of the change
 * @param recentFailuresMs the device's latest failures before this change, newest first, at most
 *                     {@link #RECENT_FAILURES}: where it stands in each rollout test's cohorts and strata
 * @param currentVersion for FAILED and WENT_DARK, the version the device runs now when that is not
 *                     {@code version} (a late report of a version it left); null otherwise
 * @param specific     for FAILED and WENT_DARK, whether the failure is the version's own: a crash or an
 *                     unclean reboot always; silence only when the device fell silent within
 *                     {@code dark-window} of a switch or a boot. Without a control, only these count.
 * @param unblamed     for FAILED, the crash or unclean reboot is no evidence against this version in its
 *                     own test: the device switched to it longer than {@code attribution-window} before,
 *                     or the crash's faulting module belongs to other components ({@code module-components}).
 *                     It still counts as control evidence in other versions' tests. Older records lack
 *                     it: blamed.
 * @param deviceFirstSeenMs when the detector first saw the device, on its wall clock; 0 when not known (state
 *                     from before it was kept, or records from before): seen from the start. A rollout
 *                     test counts only devices seen before it started.
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
    long atMs,
    List<Long> recentFailuresMs,
    String currentVersion,
    boolean specific,
    boolean unblamed,
    long deviceFirstSeenMs) {

  /** Failure times a device carries: enough to stratify by 0, 1, 2 or 3 and more failures before a start. */
  public static final int RECENT_FAILURES = 3;

  public DeviceChange {
    recentFailuresMs = recentFailuresMs == null ? List.of() : List.copyOf(recentFailuresMs);
  }

  /** LEFT: silent for {@code device-ttl}, the device is forgotten (its {@code failure} is DARK if it was dark, else asleep). */
  public enum Kind { APPLIED, FAILED, WENT_DARK, CAME_BACK, LEFT }

  public enum Failure { CRASH, UNCLEAN_REBOOT, DARK }

  public FleetComponentKey key() {
    return new FleetComponentKey(fleetId, component);
  }

  /** A device switched from {@code previous} to {@code version}, with its latest failures. */
  public static DeviceChange applied(String fleet, String component, String version, String previous,
                                      boolean previousFailed, String device, List<Long> recentFailuresMs, long at) {
    return new DeviceChange(Kind.APPLIED, fleet, component, version, previous, previousFailed, device, 1, false, null,
        null, at, recentFailuresMs, null, false, false, 0);
  }

  /** {@code devices} devices seen for the first time, on {@code version}: counted, not switched. */
  public static DeviceChange firstSeen(String fleet, String component, String version, long devices, long at) {
    return new DeviceChange(Kind.APPLIED, fleet, component, version, null, false, null, devices, false, null, null, at,
        List.of(), null, false, false, 0);
  }

  /**
   * A failure of a device on {@code version}, every one of them: the fleet level needs each to know
   * when the device last failed. {@code firstOnVersion} marks the first on this version.
   */
  public static DeviceChange failed(String fleet, String component, String version, String currentVersion, String device,
                                    Failure failure, boolean firstOnVersion, String signature, List<Long> recentFailuresMs,
                                    long at, boolean specific) {
    Kind kind = failure == Failure.DARK ? Kind.WENT_DARK : Kind.FAILED;
    return new DeviceChange(kind, fleet, component, version, null, false, device, 1, firstOnVersion, failure, signature,
        at, recentFailuresMs, version.equals(currentVersion) ? null : currentVersion, specific, false, 0);
  }

  /** A device silent for {@code device-ttl} leaves the fleet's counts: dark ({@code wasDark}) or asleep. */
  public static DeviceChange left(String fleet, String component, String version, String device, boolean wasDark,
                                  List<Long> recentFailuresMs, long at) {
    return new DeviceChange(Kind.LEFT, fleet, component, version, null, false, device, 1, false,
        wasDark ? Failure.DARK : null, null, at, recentFailuresMs, null, false, false, 0);
  }

  public static DeviceChange cameBack(String fleet, String component, String version, String device, long at) {
    return new DeviceChange(Kind.CAME_BACK, fleet, component, version, null, false, device, 1, false, null, null, at,
        List.of(), null, false, false, 0);
  }

  /** This failure, no evidence against its version in that version's own test: see {@code unblamed}. */
  public DeviceChange unblamedOnItsVersion() {
    return new DeviceChange(kind, fleetId, component, version, previous, previousFailed, deviceId, devices, firstFailure,
        failure, signature, atMs, recentFailuresMs, currentVersion, specific, true, deviceFirstSeenMs);
  }

  /** This change, of a device the detector first saw at {@code firstSeenMs}. */
  public DeviceChange seenFirstAt(long firstSeenMs) {
    return new DeviceChange(kind, fleetId, component, version, previous, previousFailed, deviceId, devices, firstFailure,
        failure, signature, atMs, recentFailuresMs, currentVersion, specific, unblamed, firstSeenMs);
  }

  /** The latest failures after one more at {@code atMs}, newest first, at most {@link #RECENT_FAILURES}. */
  public static List<Long> withFailure(List<Long> recentFailuresMs, long atMs) {
    List<Long> all = new ArrayList<>(recentFailuresMs);
    all.add(atMs);
    all.sort(java.util.Comparator.reverseOrder());
    return List.copyOf(all.subList(0, Math.min(RECENT_FAILURES, all.size())));
  }

  /** The version the device runs now: {@code version}, or the one it moved on to for a late report. */
  public String runningVersion() {
    return currentVersion != null ? currentVersion : version;
  }

  /** The device's latest failure before this change; 0 when none is known. */
  public long lastFailureMs() {
    return recentFailuresMs.isEmpty() ? 0 : recentFailuresMs.get(0);
  }
}
