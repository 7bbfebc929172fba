package io.crashwatch.detector.topology.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.alerts.Alerts;
import io.crashwatch.detector.topology.decision.BaselineTest;
import io.crashwatch.detector.topology.decision.ControlTest;
import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.format.Upgradable;
import io.crashwatch.detector.topology.model.CannotJudge;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.FleetTrial;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Statistics of one component in one fleet: every version's devices, counted by when each last
 * failed, and the fleet's recent past, so any version's rollout test can start with fresh cohorts —
 * the control (the fleet's devices on other versions) and the history at hand — whenever it starts.
 * Only counts, never device sets: one instance serves millions of devices.
 *
 * <p>Counts are taken as of the latest event time seen ({@link #clockMs}); a late event is applied to
 * the counts as they are when it arrives.
 */
@StateFormat(2)
public final class FleetStatistics implements Upgradable {
  public String fleetId;
  public String component;
  /** Latest event time seen: exposure accrues in event time, so replays give the same answers. */
  public long clockMs;
  public FleetHistory history = new FleetHistory();
  public Map<String, VersionStatistics> versions = new TreeMap<>();
  /** Dark devices declared, waiting {@link #darkDelay} before they enter the tests. */
  public List<DeviceChange> pendingDark = new ArrayList<>();
  public BurstWatch incident = new BurstWatch();
  /** Crashes and unclean reboots on established versions: a spike is an SRE alert, never a halt. */
  public BurstWatch spike = new BurstWatch();
  /** When the detector first saw the fleet, on its wall clock; 0 for statistics from before it was kept. */
  public long firstSeenWallMs;

  /** The share of a fleet's devices going dark together, without having just changed, that is an incident. */
  static final double INCIDENT_SHARE = 0.02;

  public FleetStatistics() {
  }

  FleetStatistics(String fleetId, String component) {
    this.fleetId = fleetId;
    this.component = component;
  }

  /** Applies a change and sends what it decides to {@code out}: verdicts, pooled evidence, cannot-judge. */
  void apply(DeviceChange change, DetectionRules rules, FleetDecisions out) {
    advanceClock(change.atMs(), rules);
    if (spike.ended(clockMs, spikeWindow(rules))) {
      out.alert(Alerts.failureSpikeOver(fleetId, component, spike.lastSinceMs, clockMs));
    }
    switch (change.kind()) {
      case APPLIED -> applied(change, rules, out);
      case CAME_BACK -> {
        VersionStatistics v = versions.get(change.version());
        if (v != null) {
          v.darkNow = Math.max(0, v.darkNow - 1);
        }
      }
      case FAILED, WENT_DARK -> failed(change, rules, out);
      case LEFT -> left(change, rules);
    }
    establishCompleted(rules, out);
  }

  /**
   * A test ends once its rollout completed (at least {@code complete-fraction} of the fleet's devices
   * on the version) and {@code bake-time} passed since its start: the version is established.
   */
  private void establishCompleted(DetectionRules rules, FleetDecisions out) {
    versions.forEach((name, v) -> {
      RolloutTest test = v.test;
      if (test != null && !test.tripped && clockMs - test.startMs >= rules.bakeTime().toMillis()
          && v.exposed >= rules.completeFraction() * devices()) { // the fleet's size only for a test that baked
        establish(name, v, "its rollout completed and baked", out);
      }
    });
  }

  /**
   * The version's test ends without a halt: it joins the baseline, and a cannot-judge said of it is over. Its
   * last state is kept beside it, so the status can still say how it went.
   */
  private void establish(String name, VersionStatistics v, String why, FleetDecisions out) {
    if (v.test.cannotJudge) {
      out.cannotJudge(new CannotJudge(fleetId, component, name, null, clockMs, true));
    }
    v.lastTest = v.test;
    v.establishedAtMs = clockMs;
    v.establishedBecause = why;
    v.test = null;
    v.established = true;
  }

  /**
   * Operator RESUME of a version whose test tripped: the test starts over with fresh cohorts from now
   * on, and withdraws what it had reported to the pooled global test.
   */
  void resume(String version, DetectionRules rules, FleetDecisions out) {
    VersionStatistics v = versions.get(version);
    if (v == null || v.test == null || !v.test.tripped) {
      return; // a RESUME lifts a halt: it never restarts (and so never silences) a test that did not trip
    }
    if (v.test.reportedControl != null) {
      out.pooled(v.test.report(fleetId, component, version, rules.toleratedRatio(), true));
    }
    v.epoch++;
    String from = v.test.fromVersion;
    startTest(version, v, clockMs, rules, out);
    v.test.fromVersion = from;
  }

  /**
   * A rollout service announced the version: judge it as a rollout from its start on, and end the
   * tests it follows — unless it goes back to the version one of them replaced (a rollback, which
   * leaves that test and any HALT of it in place).
   */
  void announce(String version, long startedAtMs, String previous, DetectionRules rules, FleetDecisions out) {
    advanceClock(startedAtMs, rules);
    versions.forEach((name, other) -> {
      if (!name.equals(version) && other.test != null && !other.test.tripped && !version.equals(other.test.fromVersion)) {
        establish(name, other, "a rollout of " + version + " followed it", out);
      }
    });
    VersionStatistics v = version(version);
    if (v.test == null && !v.established) {
      startTest(version, v, startedAtMs, rules, out);
      v.test.fromVersion = previous;
    }
  }

  private VersionStatistics version(String name) {
    return versions.computeIfAbsent(name, k -> new VersionStatistics());
  }

  /** A version's test starts, and spends the fleet's alpha: said to {@code out}, for the false-halt account. */
  private void startTest(String name, VersionStatistics v, long startMs, DetectionRules rules, FleetDecisions out) {
    out.trial(FleetTrial.started(fleetId, rules.alpha()));
    long startWallMs = out.wallClockMs();
    long window = rules.baselineWindow().toMillis();
    FleetHistory.Window past = history.window(startMs, window);
    RolloutTest test = new RolloutTest(startMs, new BaselineTest(past.deviceHours(), past.failures()));
    test.startWallMs = startWallMs;
    long startBucket = Math.floorDiv(startMs, FleetHistory.bucketWidthMs(window));
    versions.forEach((other, o) -> o.byRecentFailures.forEach((key, devices) -> {
      List<Long> buckets = RecentFailures.buckets(key);
      if (buckets.isEmpty() || buckets.get(0) <= startBucket) { // failed after the start (an event ahead): not at risk
        test.arm(other.equals(name))[test.stratumOfBuckets(buckets, window)] += devices;
      }
    }));
    v.test = test;
  }

  private void applied(DeviceChange change, DetectionRules rules, FleetDecisions out) {
    long window = rules.baselineWindow().toMillis();
    String failures = RecentFailures.key(change.recentFailuresMs(), FleetHistory.bucketWidthMs(window));
    VersionStatistics to = version(change.version());
    if (change.previous() != null) {
      VersionStatistics from = versions.get(change.previous());
      if (from != null) {
        from.remove(failures, change.devices());
      }
    }
    to.add(failures, change.devices());
    to.adoptedDevices += change.devices();
    forEachActiveTest((name, test) -> {
      if (test.seenAfterStart(change)) {
        if (change.previous() == null) {
          newDevices(name, test, change.devices(), change.atMs(), rules, out);
        }
        return;
      }
      if (!test.atRisk(change.lastFailureMs())) {
        return; // failed since the start: out of both arms for good
      }
      int stratum = test.stratum(change.recentFailuresMs(), window);
      boolean wasCandidate = change.previous() != null && name.equals(change.previous());
      boolean isCandidate = name.equals(change.version());
      if (change.previous() == null) {
        test.arm(isCandidate)[stratum] += change.devices(); // seen for the first time: at risk from now
      } else if (wasCandidate != isCandidate) {
        move(test.arm(wasCandidate), test.arm(isCandidate), stratum, stratum);
      }
    });
    if (change.previous() != null && to.test == null && !to.established) {
      startTest(change.version(), to, change.atMs(), rules, out); // the first device switching starts the rollout
      to.test.fromVersion = change.previous();
    }
  }

  private void failed(DeviceChange change, DetectionRules rules, FleetDecisions out) {
    long window = rules.baselineWindow().toMillis();
    long width = FleetHistory.bucketWidthMs(window);
    long at = change.atMs();
    if (change.firstFailure()) {
      version(change.version()).firstFailure(change.failure());
    }
    VersionStatistics on = versions.get(change.runningVersion());
    if (on != null) {
      on.remove(RecentFailures.key(change.recentFailuresMs(), width), 1);
      on.add(RecentFailures.key(DeviceChange.withFailure(change.recentFailuresMs(), at), width), 1);
    }
    boolean newEpisode = at - change.lastFailureMs() >= rules.darkAfter().toMillis();
    if (newEpisode) {
      history.failure(at, window); // one per episode: a crash, its report and the unclean reboot after it are one
    }
    if (newEpisode && change.kind() != DeviceChange.Kind.WENT_DARK && on != null && on.established
        && spike.arrived(at, burstThreshold(rules, spikeWindow(rules), 0), spikeWindow(rules))) {
      out.alert(Alerts.failureSpike(fleetId, component, change.runningVersion(), spike.peak, spikeWindow(rules), spike.sinceMs));
    }
    if (change.kind() == DeviceChange.Kind.WENT_DARK) {
      version(change.version()).darkNow++;
      if (!change.specific() && incident.arrived(at, burstThreshold(rules, incidentWindow(rules), INCIDENT_SHARE),
          incidentWindow(rules))) {
        out.incident(new FleetIncident(fleetId, component, true, incident.peak, incident.sinceMs, at));
      }
      pendingDark.add(change); // tasks declare dark at different times: wait until an incident would show
      return;
    }
    // Without a control, a crash in an incident could be the incident's (a power cut): it waits it out.
    evidence(change, rules, out, incident.active() ? Pause.BASELINE : Pause.NONE);
  }

  /**
   * On the wall clock: dark that waited {@link #darkDelay} enters the tests, or not when it belongs to
   * an incident; an incident may end. {@link #dueMs} says when this is due again.
   */
  void onWallClock(long nowMs, DetectionRules rules, FleetDecisions out) {
    long delay = darkDelay(rules);
    long window = incidentWindow(rules);
    for (var it = pendingDark.iterator(); it.hasNext(); ) {
      DeviceChange dark = it.next();
      if (dark.atMs() + delay <= nowMs) {
        it.remove();
        evidence(dark, rules, out, incident.pauses(dark.atMs(), window) ? Pause.ALL : Pause.NONE);
      }
    }
    if (incident.ended(nowMs, window)) {
      out.incident(new FleetIncident(fleetId, component, false, 0, incident.lastSinceMs, nowMs));
    }
  }

  /** When {@link #onWallClock} is first due; 0 when nothing waits. */
  long dueMs(long nowMs, DetectionRules rules) {
    long next = pendingDark.stream().mapToLong(d -> d.atMs() + darkDelay(rules)).min().orElse(Long.MAX_VALUE);
    if (incident.active()) {
      next = Math.min(next, nowMs + 1_000);
    }
    return next == Long.MAX_VALUE ? 0 : next;
  }

  /** A device silent for device-ttl leaves the counts; asleep, it was still at risk: it leaves its test with no evidence. */
  private void left(DeviceChange change, DetectionRules rules) {
    long window = rules.baselineWindow().toMillis();
    VersionStatistics v = versions.get(change.version());
    if (v != null) {
      v.remove(RecentFailures.key(change.recentFailuresMs(), FleetHistory.bucketWidthMs(window)), 1);
      if (change.failure() == DeviceChange.Failure.DARK) {
        v.darkNow = Math.max(0, v.darkNow - 1);
      }
    }
    forEachActiveTest((name, test) -> {
      if (test.atRisk(change.lastFailureMs()) && !test.seenAfterStart(change)) {
        long[] arm = test.arm(name.equals(change.version()));
        int stratum = test.stratum(change.recentFailuresMs(), window);
        arm[stratum] = Math.max(0, arm[stratum] - 1);
      }
    });
  }

  /**
   * Devices first seen after a version's test started are kept out of it: anyone who can write telemetry
   * can invent devices in a real fleet, put them on the canary and crash them. A few are new machines;
   * a burst of them against the fleet's size — {@code min-devices}, and 1% of the fleet — is someone
   * forging evidence, and UNTRUSTED_EVIDENCE says so, once per test.
   */
  private void newDevices(String version, RolloutTest test, long devices, long atMs, DetectionRules rules, FleetDecisions out) {
    test.newDevices += devices;
    long burst = Math.max(rules.minDevices(), (long) Math.ceil(NEW_DEVICES_SHARE * devices()));
    if (!test.newDevicesAlerted && test.newDevices >= burst) {
      test.newDevicesAlerted = true;
      out.alert(Alerts.newDevicesUntrusted(fleetId, component, version, test.newDevices, devices(), test.startMs, atMs));
    }
  }

  /** Which of a failure's evidence an incident holds back. */
  private enum Pause { NONE, BASELINE, ALL }

  /** The failure's evidence in every test under way. */
  private void evidence(DeviceChange change, DetectionRules rules, FleetDecisions out, Pause pause) {
    long window = rules.baselineWindow().toMillis();
    long lastFailure = change.lastFailureMs();
    long at = change.atMs();
    String runs = change.runningVersion();
    forEachActiveTest((name, test) -> {
      if (!test.atRisk(lastFailure) || test.seenAfterStart(change)) {
        return; // a device counts once per test, and only one seen before it started
      }
      boolean inCandidate = name.equals(runs);
      int stratum = test.stratum(change.recentFailuresMs(), window);
      if (at < test.startMs) { // a late report of a failure before the start: it can only change the stratum
        move(test.arm(inCandidate), test.arm(inCandidate), stratum,
            test.stratum(DeviceChange.withFailure(change.recentFailuresMs(), at), window));
        return;
      }
      long[] arm = test.arm(inCandidate);
      boolean onCandidate = name.equals(change.version());
      if (pause == Pause.ALL || onCandidate && change.unblamed()) {
        // Out of the test, no evidence either way: an incident's, or a failure not blamed on the candidate.
        arm[stratum] = Math.max(0, arm[stratum] - 1);
        return;
      }
      ControlTest control = ControlTest.restore(rules.toleratedRatio(), test.logControl);
      control.failure(onCandidate, test.candidate[stratum], test.control[stratum]);
      test.logControl = control.logs();
      arm[stratum] = Math.max(0, arm[stratum] - 1);
      test.failedIn(onCandidate, stratum);
      if (!onCandidate) {
        test.controlFailures++;
        return;
      }
      if (pause == Pause.NONE && (change.kind() != DeviceChange.Kind.WENT_DARK || change.specific())) {
        test.baseline.failure(); // without a control, silence that could be anything is no evidence against the version
      }
      count(test, change);
      out.pooled(test.report(fleetId, component, name, rules.toleratedRatio(), false));
      Judgement.judge(this, name, versions.get(name), rules, at, out);
    });
  }

  /** Dark enters the tests this long after it is declared: every task has declared its part of an incident by then. */
  static long darkDelay(DetectionRules rules) {
    return 2 * rules.heartbeatInterval().toMillis();
  }

  /** The window an incident's dark devices are counted in: tasks declare them over about one heartbeat interval. */
  static long incidentWindow(DetectionRules rules) {
    return 2 * rules.heartbeatInterval().toMillis();
  }

  /**
   * The window a spike on established versions is counted in: {@code dark-window}, in which a version's
   * own failures would show, in event time (crash times).
   */
  static long spikeWindow(DetectionRules rules) {
    return rules.darkWindow().toMillis();
  }

  /**
   * Failures within {@code windowMs} that make a burst (an incident's dark devices, a spike of
   * crashes): at least {@code min-devices}, {@code share} of the fleet, and ten times what the fleet's
   * history before the current bucket would expect.
   */
  private long burstThreshold(DetectionRules rules, long windowMs, double share) {
    long devices = devices();
    long window = rules.baselineWindow().toMillis();
    // The fleet's past up to the bucket before this one: the burst under way must not raise its own bar.
    FleetHistory.Window past = history.window(clockMs - FleetHistory.bucketWidthMs(window), window);
    double windowHours = windowMs / 3_600_000.0;
    double expected = past.deviceHours() > 0 ? past.failures() / past.deviceHours() * devices * windowHours : 0;
    return Math.max(rules.minDevices(), (long) Math.ceil(Math.max(share * devices, 10 * expected)));
  }

  private static void count(RolloutTest test, DeviceChange change) {
    test.failedDevices++;
    switch (change.failure()) {
      case CRASH -> test.crashedDevices++;
      case UNCLEAN_REBOOT -> test.uncleanReboots++;
      case DARK -> test.darkDevices++;
    }
    if (change.signature() != null) {
      test.signatures.merge(change.signature(), 1L, Long::sum);
    }
    if (test.firstFailureMs == 0) {
      test.firstFailureMs = change.atMs();
    }
  }

  private static void move(long[] from, long[] to, int fromStratum, int toStratum) {
    if (from == to && fromStratum == toStratum) {
      return;
    }
    from[fromStratum] = Math.max(0, from[fromStratum] - 1);
    to[toStratum]++;
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
    history.exposure(devices() * hours, atMs, rules.baselineWindow().toMillis());
    forEachActiveTest((name, test) -> {
      test.baseline.exposure(test.candidateTotal() * hours);
      test.controlHours += test.controlTotal() * hours;
    });
    long width = FleetHistory.bucketWidthMs(rules.baselineWindow().toMillis());
    if (Math.floorDiv(atMs, width) != Math.floorDiv(clockMs, width)) {
      long oldest = Math.floorDiv(atMs - 2 * rules.baselineWindow().toMillis(), width);
      versions.values().forEach(v -> v.forgetBefore(oldest));
    }
    clockMs = atMs;
  }

  /** Of the fleet's devices, how many first seen during a rollout make a burst of them (with at least min-devices). */
  static final double NEW_DEVICES_SHARE = 0.01;

  private void forEachActiveTest(java.util.function.BiConsumer<String, RolloutTest> action) {
    versions.forEach((name, v) -> {
      if (v.test != null && !v.test.tripped) {
        action.accept(name, v.test);
      }
    });
  }

  /** Devices of the fleet on this component, any version. */
  long devices() {
    long total = 0;
    for (VersionStatistics v : versions.values()) {
      total += v.exposed;
    }
    return total;
  }

  /**
   * From format 1, which kept exposed and at-risk counts since the detector first saw each device:
   * devices keep their version with no known failure; a test in flight restarts fresh from the latest
   * event time with the fleet's whole recorded past as its history; a halted one stays halted.
   */
  @Override
  public void upgradeFrom(int format, JsonNode previous) {
    double pastHours = previous.path("fleetDeviceHours").asDouble();
    long pastFailures = previous.path("fleetFailures").asLong();
    versions.forEach((name, v) -> {
      v.byRecentFailures = new TreeMap<>(Map.of("", v.exposed));
      JsonNode old = previous.path("versions").path(name);
      v.test = null;
      if (old.path("rolledOut").asBoolean()) {
        v.test = new RolloutTest(clockMs, new BaselineTest(pastHours, pastFailures));
        v.test.tripped = old.path("tripped").asBoolean();
      }
    });
    versions.forEach((name, v) -> {
      if (v.test != null) {
        versions.forEach((other, o) -> v.test.arm(other.equals(name))[0] += o.exposed);
      }
    });
  }
}
