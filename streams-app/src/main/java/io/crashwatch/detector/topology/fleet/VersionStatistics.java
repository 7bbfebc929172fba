package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.topology.model.DeviceChange;
import java.util.TreeMap;

/**
 * One version of a component in one fleet: its devices, counted by when they last failed — enough for
 * any rollout test to start fresh cohorts and strata at any moment — and, once it is rolled out, its
 * {@link RolloutTest}.
 */
public final class VersionStatistics {
  /** Devices on this version now. */
  public long exposed;
  /** Devices on this version by their latest failures ({@link RecentFailures} keys). */
  public TreeMap<String, Long> byRecentFailures = new TreeMap<>();
  /** Devices dark right now. */
  public long darkNow;
  /** The version's current test; null until devices switch to it (or it is announced). */
  public RolloutTest test;
  /**
   * Its rollout completed and baked, or a later rollout replaced it, without a halt: part of the
   * fleet's baseline now, never tested again (a spike on it is the fleet's, not a rollout's).
   */
  public boolean established;
  /** The test it ended on when it was established, kept for the status; null before, or from before it was kept. */
  public RolloutTest lastTest;
  /** When it was established (event time) and why; 0 and null when it is not, or from before they were kept. */
  public long establishedAtMs;
  public String establishedBecause;
  /** RESUMEs so far: part of the command id, so each decision has its own. */
  public int epoch;
  /**
   * Devices that failed on it, each once (at its first failure since it took the version), by the kind of that
   * failure: the analysts' count, which goes on after a HALT, where the test's stops at its trip. Counted from
   * the build that keeps them: 0 in older state.
   */
  public long failedDevices;
  /** Devices that took the version (or were found on it), each time they did: what {@link #failedDevices} are of. */
  public long adoptedDevices;
  public long crashedDevices;
  public long uncleanRebootDevices;
  public long darkDevices;

  void firstFailure(DeviceChange.Failure failure) {
    failedDevices++;
    switch (failure) {
      case CRASH -> crashedDevices++;
      case UNCLEAN_REBOOT -> uncleanRebootDevices++;
      default -> darkDevices++;
    }
  }

  void add(String failures, long devices) {
    exposed += devices;
    byRecentFailures.merge(failures, devices, Long::sum);
  }

  void remove(String failures, long devices) {
    exposed = Math.max(0, exposed - devices);
    Long left = byRecentFailures.get(failures);
    if (left != null) {
      if (left <= devices) {
        byRecentFailures.remove(failures);
      } else {
        byRecentFailures.put(failures, left - devices);
      }
    }
  }

  /** Drops failure buckets before {@code oldest} from every key: no test to come can reach them. */
  void forgetBefore(long oldest) {
    TreeMap<String, Long> kept = new TreeMap<>();
    byRecentFailures.forEach((key, devices) -> kept.merge(RecentFailures.forgetBefore(key, oldest), devices, Long::sum));
    byRecentFailures = kept;
  }
}
