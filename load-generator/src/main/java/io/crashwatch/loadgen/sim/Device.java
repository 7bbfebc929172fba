package io.crashwatch.loadgen.sim;

import java.util.HashMap;
import java.util.Map;

/** One simulated endpoint: what it runs, whether it can still talk, and how it differs from the others. */
final class Device {
  final String id;
  final int fleet;
  final Map<String, String> components;
  /** Per component, the rollout that installed the version it runs; absent for the version it started with. */
  final Map<String, RolloutProgress> installedBy = new HashMap<>();
  int boots = 1;
  /** Simulation time of its last boot. */
  long bootedAtMs;
  /** Stuck in a boot loop: never heartbeats again. */
  boolean bootLooping;
  /** Silent (a network incident) until this simulation time. */
  long darkUntilMs;
  /** Asleep (sends nothing, installs nothing, cannot crash) until this simulation time. */
  long asleepUntilMs;
  /** Bumped when its crash rate changes, so an already scheduled background crash is dropped. */
  int crashEpoch;
  /** Extra crash-rate factor of the bad version it runs, 1 when none. */
  double rateMultiplier = 1;
  /** Crashes this many times as often as the fleet's rate, always, whatever it runs: 1 unless flaky. */
  double flakiness = 1;
  /** Offline for the whole run: never heard from, never installs. */
  boolean offline;
  /** How far its clock is ahead of true time (negative: behind). */
  long clockOffsetMs;

  Device(String id, int fleet, Map<String, String> components) {
    this.id = id;
    this.fleet = fleet;
    this.components = new HashMap<>(components);
  }

  String bootId() {
    return id + "-boot-" + boots;
  }

  boolean asleep(long nowMs) {
    return nowMs < asleepUntilMs;
  }

  /** Until when nothing it sends gets through: asleep or cut off by an incident. */
  long unreachableUntilMs() {
    return Math.max(darkUntilMs, asleepUntilMs);
  }
}
