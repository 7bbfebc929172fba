package io.crashwatch.detector.topology.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * A device's latest failures as fleet statistics count them: the buckets ({@link FleetHistory}
 * widths) of at most three failure times, newest first, written {@code "b1,b2,b3"} ({@code ""}: none).
 * Devices are counted per such key, so a test starting at any moment finds each device's failures in
 * the baseline window before it — its stratum — and whether it failed since.
 */
final class RecentFailures {
  private RecentFailures() {
  }

  static String key(List<Long> failuresMs, long bucketWidthMs) {
    return join(failuresMs.stream().map(t -> Math.floorDiv(t, bucketWidthMs)).toList());
  }

  static List<Long> buckets(String key) {
    List<Long> buckets = new ArrayList<>();
    if (!key.isEmpty()) {
      for (String b : key.split(",")) {
        buckets.add(Long.parseLong(b));
      }
    }
    return buckets;
  }

  /** The key without buckets before {@code oldest}: no window to come reaches them. */
  static String forgetBefore(String key, long oldest) {
    return join(buckets(key).stream().filter(b -> b >= oldest).toList());
  }

  private static String join(List<Long> buckets) {
    return String.join(",", buckets.stream().map(String::valueOf).toList());
  }
}
