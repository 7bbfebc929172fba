package io.crashwatch.detector.topology.analytics;

import io.crashwatch.detector.topology.format.StateFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One minute of one fleet/component, event time: every version's devices at its end (carried over from the minute
 * before, so a steady version has no gap) and the devices that first failed on it within it, by kind.
 */
@StateFormat(1)
public final class MinuteRates {
  /** One version in the minute. */
  public static final class Counts {
    public long devices;
    public long failed;
    public long crashed;
    public long uncleanReboots;
    public long dark;
  }

  public Map<String, Counts> versions = new TreeMap<>();

  /** A new minute after {@code before} (null: none kept): the same devices, no failures yet. */
  static MinuteRates after(MinuteRates before) {
    MinuteRates next = new MinuteRates();
    if (before != null) {
      before.versions.forEach((version, c) -> {
        if (c.devices > 0) {
          next.version(version).devices = c.devices;
        }
      });
    }
    return next;
  }

  Counts version(String version) {
    return versions.computeIfAbsent(version, v -> new Counts());
  }

  void add(String version, long devices, String failure) {
    Counts c = version(version);
    c.devices = devices;
    if (failure != null) {
      c.failed++;
      switch (failure) {
        case "CRASH" -> c.crashed++;
        case "UNCLEAN_REBOOT" -> c.uncleanReboots++;
        default -> c.dark++;
      }
    }
  }
}
