package io.crashwatch.loadgen.sim;

import io.crashwatch.loadgen.scenario.Expect;
import io.crashwatch.loadgen.scenario.RolloutSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One rollout in one fleet: what it installed and crashed until its first halt took effect, that halt,
 * and whether it is stopped now (an operator's RESUME lets it go on; a later HALT stops it again).
 */
public final class RolloutProgress {
  final RolloutSpec spec;
  /** The fleet id as the scenario names it, and as sent (with a run suffix against a shared cluster). */
  final String fleet;
  final String sentFleet;
  int installed;
  int crashed;
  /** Simulation time of the first failure of a device on this version in this fleet; -1: none yet. */
  long firstFailureMs = -1;
  /** Simulation time the runner read the first HALT; -1: not halted. */
  volatile long haltedAtMs = -1;
  volatile String haltedBy;
  /** What halted it each time (FLEET, GLOBAL, OPERATOR), in order: more than one after a RESUME. */
  final List<String> halts = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** The kill switch halts it now: it installs on no further device. */
  volatile boolean stopped;
  /** A RESUME lifted its halt: the simulation's thread sends the devices it kept waiting on their way. */
  volatile boolean resumeDue;
  /** Devices a halt kept from installing, in order; touched by the simulation's thread only. */
  final List<Device> waiting = new ArrayList<>();
  /** When each install happened, on the wall clock (every one, after a halt too); the simulation's thread only. */
  final List<Long> installedAtMs = new ArrayList<>();
  /** Devices whose install waited while the kill switch answered UNKNOWN; the simulation's thread only. */
  final Set<Device> paused = new HashSet<>();

  RolloutProgress(RolloutSpec spec, String fleet, String sentFleet) {
    this.spec = spec;
    this.fleet = fleet;
    this.sentFleet = sentFleet;
  }

  boolean halted() {
    return haltedAtMs >= 0;
  }

  /** Called on the kill-switch listener's thread when a HALT of this rollout takes effect. */
  void halt(String by, long atMs) {
    if (haltedAtMs < 0) {
      haltedBy = by;
      haltedAtMs = atMs;
    }
    halts.add(by);
    stopped = true;
  }

  /** Called on the kill-switch listener's thread when a RESUME lifts its halt. */
  void resume() {
    stopped = false;
    resumeDue = true;
  }

  /** When each device installed this version, on the wall clock: to hold installs against what the kill switch allowed. */
  public List<Long> installTimesMs() {
    return List.copyOf(installedAtMs);
  }

  public List<String> halts() {
    return List.copyOf(halts);
  }

  /** Whether the detector (not a person's FORCE_HALT) halted it at any time. */
  public boolean haltedByDetector() {
    return halts.stream().anyMatch(by -> !by.equals(ScenarioReport.OPERATOR));
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

  /** Devices whose install waited, at least once, while the kill switch answered UNKNOWN. */
  public int pausedDevices() {
    return paused.size();
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
