package io.crashwatch.loadgen.sim;

import java.util.HashMap;
import java.util.Map;

/** One simulated endpoint: what it runs and whether it can still talk. */
final class Device {
  final String id;
  final int fleet;
  final Map<String, String> components;
  int boots = 1;
  /** Stuck in a boot loop: never heartbeats again. */
  boolean bootLooping;
  /** Silent (a network incident) until this simulation time. */
  long darkUntilMs;
  /** Bumped when its crash rate changes, so an already scheduled background crash is dropped. */
  int crashEpoch;
  /** Extra crash-rate factor of the bad version it runs, 1 when none. */
  double rateMultiplier = 1;
  /** Crashes this many times as often as the fleet's rate, always, whatever it runs: 1 unless flaky. */
  double flakiness = 1;
  /** Offline for the whole run: never heard from, never installs. */
  boolean offline;

  Device(String id, int fleet, Map<String, String> components) {
    this.id = id;
    this.fleet = fleet;
    this.components = new HashMap<>(components);
  }

  String bootId() {
    return id + "-boot-" + boots;
  }
}
