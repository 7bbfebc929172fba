package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.decision.SequentialTest;
import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Statistics of one component in one fleet: every version's exposed and failed devices together, so
 * the control — the fleet's devices on the other versions — is at hand whenever a version is judged,
 * and the fleet's own failure rate before a rollout for pushes that leave no control.
 */
@StateFormat(1)
public final class FleetStatistics {
  public String fleetId;
  public String component;
  /** Latest event time seen: exposure accrues in event time, so replays give the same answers. */
  public long clockMs;
  /** All devices of the fleet on this component, across versions: the pre-rollout baseline. */
  public double fleetDeviceHours;
  public long fleetFailures;
  public Map<String, VersionStatistics> versions = new TreeMap<>();

  public FleetStatistics() {
  }

  FleetStatistics(String fleetId, String component) {
    this.fleetId = fleetId;
    this.component = component;
  }

  /** Applies a change and returns the verdicts it made possible (at most one per version). */
  List<Verdict> apply(DeviceChange change, DetectionRules rules) {
    advanceClock(change.atMs(), rules);
    List<Verdict> verdicts = new ArrayList<>();
    VersionStatistics v = versions.computeIfAbsent(change.version(), k -> new VersionStatistics());
    switch (change.kind()) {
      case APPLIED -> applied(change, v, rules);
      case CAME_BACK -> v.darkNow = Math.max(0, v.darkNow - 1);
      case FAILED, WENT_DARK -> {
        if (change.kind() == DeviceChange.Kind.WENT_DARK) {
          v.darkNow++;
        }
        if (change.firstFailure()) {
          failed(change, v, rules, verdicts);
        }
      }
    }
    return verdicts;
  }

  /** Operator RESUME: the version's test starts over; only failures after it count. */
  void resume(String version) {
    VersionStatistics v = versions.get(version);
    if (v != null) {
      v.resetTest();
    }
  }

  /** A rollout service announced the version: judge it as a rollout from now on. */
  void announce(String version, long startedAtMs, DetectionRules rules) {
    advanceClock(startedAtMs, rules);
    startRollout(versions.computeIfAbsent(version, k -> new VersionStatistics()), startedAtMs, rules);
  }

  private void startRollout(VersionStatistics v, long atMs, DetectionRules rules) {
    if (!v.rolledOut) {
      v.rolledOut = true;
      v.rolloutStartMs = atMs;
      v.baselineRate = Math.max(rules.baselineFloor(), SequentialTest.upperRateBound(fleetFailures, fleetDeviceHours));
    }
  }

  private void applied(DeviceChange change, VersionStatistics v, DetectionRules rules) {
    v.exposed += change.devices();
    v.atRisk += change.devices();
    if (change.previous() == null) {
      return;
    }
    VersionStatistics left = versions.get(change.previous());
    if (left != null) {
      left.exposed = Math.max(0, left.exposed - 1);
      if (!change.previousFailed()) {
        left.atRisk = Math.max(0, left.atRisk - 1);
      }
    }
    startRollout(v, change.atMs(), rules);
  }

  private void failed(DeviceChange change, VersionStatistics v, DetectionRules rules, List<Verdict> verdicts) {
    fleetFailures++;
    v.failedDevices++;
    v.atRisk = Math.max(0, v.atRisk - 1);
    switch (change.failure()) {
      case CRASH -> v.crashedDevices++;
      case UNCLEAN_REBOOT -> v.uncleanReboots++;
      case DARK -> v.darkDevices++;
    }
    if (change.signature() != null) {
      v.signatures.merge(change.signature(), 1L, Long::sum);
    }
    if (v.firstFailureMs == 0) {
      v.firstFailureMs = change.atMs();
    }
    // Weigh versions by devices that could still fail: counting once per device depletes them.
    long total = atRiskTotal() + 1; // + the device that just failed, at risk until this moment
    versions.forEach((name, candidate) -> {
      if (!candidate.rolledOut || candidate.tripped) {
        return;
      }
      boolean onCandidate = name.equals(change.version());
      SequentialTest test = test(candidate, rules);
      long atRisk = candidate.atRisk + (onCandidate ? 1 : 0);
      test.controlEvent(onCandidate, atRisk, total - atRisk);
      if (onCandidate) {
        test.baselineEvidence(1, 0, candidate.baselineRate);
      }
      save(candidate, test);
      if (onCandidate) {
        Verdict verdict = Judgement.judge(this, name, candidate, test, exposedTotal() - candidate.exposed, rules, change.atMs());
        if (verdict != null) {
          candidate.tripped = true;
          verdicts.add(verdict);
        }
      }
    });
  }

  /** Exposure accrues between changes: device counts only move at changes. */
  private void advanceClock(long atMs, DetectionRules rules) {
    if (clockMs == 0) {
      clockMs = atMs;
      return;
    }
    if (atMs <= clockMs) {
      return; // late events (crash reports uploaded after a reboot) do not move the clock back
    }
    double hours = (atMs - clockMs) / 3_600_000.0;
    fleetDeviceHours += atRiskTotal() * hours;
    for (VersionStatistics v : versions.values()) {
      double exposure = v.atRisk * hours;
      v.deviceHours += exposure;
      if (v.rolledOut && !v.tripped && exposure > 0) {
        SequentialTest test = test(v, rules);
        test.baselineEvidence(0, exposure, v.baselineRate);
        save(v, test);
      }
    }
    clockMs = atMs;
  }

  private long atRiskTotal() {
    long total = 0;
    for (VersionStatistics v : versions.values()) {
      total += v.atRisk;
    }
    return total;
  }

  long exposedTotal() {
    long total = 0;
    for (VersionStatistics v : versions.values()) {
      total += v.exposed;
    }
    return total;
  }

  private static SequentialTest test(VersionStatistics v, DetectionRules rules) {
    return v.logControl == null
        ? new SequentialTest(rules.toleratedRatio())
        : SequentialTest.restore(rules.toleratedRatio(), v.logControl, v.logBaseline);
  }

  private static void save(VersionStatistics v, SequentialTest test) {
    v.logControl = test.logControl();
    v.logBaseline = test.logBaseline();
  }
}
