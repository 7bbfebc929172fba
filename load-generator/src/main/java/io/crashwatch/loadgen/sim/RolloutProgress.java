package io.crashwatch.loadgen.sim;

import io.crashwatch.loadgen.scenario.Expect;
import io.crashwatch.loadgen.scenario.RolloutSpec;

/** One rollout in one fleet: what it installed and crashed until a halt took effect, and that halt. */
public final class RolloutProgress {
  final RolloutSpec spec;
  /** The fleet id as the scenario names it, and as sent (with a run suffix against a shared cluster). */
  final String fleet;
  final String sentFleet;
  int installed;
  int crashed;
  /** Simulation time of the first failure of a device on this version in this fleet; -1: none yet. */
  long firstFailureMs = -1;
  /** Simulation time the runner read the HALT; -1: not halted. */
  volatile long haltedAtMs = -1;
  volatile String haltedBy;

  RolloutProgress(RolloutSpec spec, String fleet, String sentFleet) {
    this.spec = spec;
    this.fleet = fleet;
    this.sentFleet = sentFleet;
  }

  boolean halted() {
    return haltedAtMs >= 0;
  }

  public String fleet() {
    return fleet;
  }

  public String component() {
    return spec.component();
  }

  public String version() {
    return spec.version();
  }

  public boolean bad() {
    return spec.effect() != null;
  }

  public Expect expect() {
    return spec.expect();
  }

  public int installed() {
    return installed;
  }

  public int crashed() {
    return crashed;
  }

  public String haltedBy() {
    return haltedBy;
  }

  /** From the first failure on the version to the moment the HALT was read; null when not halted or nothing failed first. */
  public Long haltLatencyMs() {
    return halted() && firstFailureMs >= 0 && firstFailureMs <= haltedAtMs ? haltedAtMs - firstFailureMs : null;
  }

  public boolean isHalted() {
    return halted();
  }
}
