package io.crashwatch.detector.topology.device;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the detector remembers of one device: enough to attribute a failure to the versions installed
 * when it happened, to count each device once per version, and to notice when it goes silent.
 */
public final class DeviceState {
  /** Recent report ids kept for de-duplication; re-uploads come soon after the first upload. */
  static final int REMEMBERED_REPORTS = 8;

  /**
   * One component's installed version, the one before it and when it switched (event time). A
   * version found installed when the device is first seen has been there since time 0.
   */
  public record Installed(String version, String previous, long switchedAtMs) {

    /** The version that was installed at {@code atMs}; null when that predates what we know. */
    String at(long atMs) {
      return atMs >= switchedAtMs ? version : previous;
    }
  }

  /**
   * A crash report that names a version this device has not been seen heartbeating on. Exposure
   * first: it is evidence only once a heartbeat shows the device on that version — which, when the
   * detector lags, may be processed after the report — and is dropped as untrusted when a heartbeat
   * sent after the crash still does not.
   */
  record HeldReport(long crashedAtMs, String signature, Map<String, String> versions) {
    HeldReport {
      versions = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(versions)); // one order, so one encoding
    }

    /**
     * A report that names no versions, held while its device's heartbeat partition lagged: the
     * versions it ran at the crash are device state's once the heartbeats sent before it are read.
     */
    boolean unnamed() {
      return versions.isEmpty();
    }
  }

  /** Reports held per device at most: a device whose reports keep naming versions it never ran is no evidence. */
  static final int MAX_HELD_REPORTS = 4;

  String fleetId;
  /**
   * Event time of its first heartbeat the detector saw; 0 in state from before it was kept. A rollout
   * test counts only devices seen before it started: invented devices cannot become its evidence.
   */
  long firstSeenMs;
  /** Whether the device sits in the dark-deadline index (under some deadline, moved lazily). */
  boolean indexed;
  boolean dark;
  /** Sent a SHUTDOWN heartbeat (a clean shutdown or sleep notice) and not heard from since: never dark. */
  boolean asleep;
  /** While dark or asleep: since when (wall clock). After {@code device-ttl} of it the device is forgotten. */
  long silentSinceMs;
  /**
   * When it last went dark (wall clock), 0 for never. A device that has gone silent unannounced before
   * — a laptop that sleeps without notice, a site that loses its network — says nothing new about a
   * version by going silent again.
   */
  long lastDarkMs;
  final Map<String, Installed> components = new LinkedHashMap<>();
  /** {@code component=version} pairs this device has already failed on. */
  final Set<String> failedOn = new HashSet<>();
  final Deque<String> recentReports = new ArrayDeque<>();
  /** Event times of the device's latest failures, any version, newest first (at most DeviceChange.RECENT_FAILURES). */
  List<Long> recentFailures = List.of();
  /** Crash reports naming a version this device was not yet seen heartbeating on, oldest first: see {@link HeldReport}. */
  final List<HeldReport> held = new ArrayList<>();

  DeviceState(String fleetId) {
    this.fleetId = fleetId;
  }

  /** The versions installed at {@code atMs}, component by component; unknown ones are left out. */
  Map<String, String> versionsAt(long atMs) {
    Map<String, String> versions = new LinkedHashMap<>();
    components.forEach((component, installed) -> {
      String v = installed.at(atMs);
      if (v != null) {
        versions.put(component, v);
      }
    });
    return versions;
  }

  Map<String, String> currentVersions() {
    Map<String, String> versions = new LinkedHashMap<>();
    components.forEach((component, installed) -> versions.put(component, installed.version()));
    return versions;
  }

  /** Whether the device was seen heartbeating on every one of these versions (the current one or the one before). */
  boolean exposedTo(Map<String, String> versions) {
    for (Map.Entry<String, String> v : versions.entrySet()) {
      Installed installed = components.get(v.getKey());
      if (installed == null || !(v.getValue().equals(installed.version()) || v.getValue().equals(installed.previous()))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the device switched a version at or after {@code sinceMs} (by its clock). What says whether
   * its silence is specific once the local last-seen store is lost — a restart, a move to another
   * instance — so that a boot loop right after a push still counts where no control is left.
   */
  boolean switchedSince(long sinceMs) {
    for (Installed installed : components.values()) {
      if (installed.previous() != null && installed.switchedAtMs() >= sinceMs) {
        return true;
      }
    }
    return false;
  }

  /** Whether it went dark at or after {@code sinceMs}: see {@link #lastDarkMs}. */
  boolean wentDarkSince(long sinceMs) {
    return lastDarkMs > 0 && lastDarkMs >= sinceMs;
  }

  /** Records a first failure on a version; false when this device already failed on it. */
  boolean markFailed(String component, String version) {
    return failedOn.add(component + "=" + version);
  }

  /** False when the report was seen already. */
  boolean rememberReport(String reportId) {
    if (recentReports.contains(reportId)) {
      return false;
    }
    recentReports.addLast(reportId);
    if (recentReports.size() > REMEMBERED_REPORTS) {
      recentReports.removeFirst();
    }
    return true;
  }

  /** Forget failures on versions the device no longer has, current or previous: they cannot recur. */
  void pruneFailures() {
    List<String> keep = new ArrayList<>();
    components.forEach((c, i) -> {
      keep.add(c + "=" + i.version());
      if (i.previous() != null) {
        keep.add(c + "=" + i.previous());
      }
    });
    failedOn.retainAll(keep);
  }

  @Override
  public String toString() {
    return "DeviceState{fleet=" + fleetId + ", dark=" + dark + ", asleep=" + asleep
        + ", components=" + components + ", failedOn=" + failedOn + ", held=" + held + "}";
  }
}
