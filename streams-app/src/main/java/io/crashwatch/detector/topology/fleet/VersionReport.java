package io.crashwatch.detector.topology.fleet;

import static io.crashwatch.detector.topology.status.Numbers.number;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.decision.ControlTest;
import io.crashwatch.detector.topology.status.Arm;
import io.crashwatch.detector.topology.status.Failures;
import io.crashwatch.detector.topology.status.Numbers;
import io.crashwatch.detector.topology.status.Rollout;
import io.crashwatch.detector.topology.status.Sample;
import io.crashwatch.detector.topology.status.TestResult;
import io.crashwatch.detector.topology.status.VersionStatus;
import io.crashwatch.detector.topology.status.WhyNotYet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A version's test explained, from what fleet statistics keep: the same rules {@link Judgement} decides by —
 * which test decides and why, each test's statistic against its threshold — and how far the version is from
 * tripping. The statistics, the estimated ratios and "why not yet" are computed when read; nothing here changes
 * the state.
 */
public final class VersionReport {
  /** The most further failures "why not yet" simulates; more than this is "not within reach". */
  static final int MAX_SIMULATED = 10_000;
  /** What the status computes when read rather than keeps. */
  static final List<String> RECOMPUTED = List.of("state (cannot judge)", "decidingTest", "decidingBecause",
      "tests[].statistic", "tests[].observedRate", "tests[].comparisonRate", "tests[].rateRatio",
      "tests[].moreFailuresToTrip", "whyNotYet");

  private VersionReport() {
  }

  /** The status of {@code version} in this fleet/component; null when fleet statistics do not know it. */
  public static VersionStatus of(FleetStatistics fleet, String version, DetectionRules rules) {
    VersionStatistics v = fleet.versions.get(version);
    if (v == null) {
      return null;
    }
    RolloutTest test = v.test != null ? v.test : v.lastTest;
    long devices = fleet.devices();
    if (test == null) {
      return new VersionStatus(fleet.fleetId, fleet.component, version, v.established ? "ESTABLISHED" : "NOT_TESTED",
          v.established && v.establishedAtMs > 0 ? Numbers.iso(v.establishedAtMs) : null,
          v.established ? "established: part of the fleet's baseline, never halted for later events"
              : "never switched to or announced since the detector first saw its devices: inventory, not a rollout",
          new Rollout(v.exposed, devices, Numbers.share(v.exposed, devices), null, null, v.epoch, 0),
          null, null, null, null, null, List.of(), null, List.of());
    }
    double threshold = Judgement.threshold(rules);
    boolean withControl = Judgement.controlInforms(test, rules);
    boolean baselineCanReach = Judgement.baselineCanReach(fleet, test, rules);
    TestResult control = control(test, rules, threshold, withControl);
    TestResult baseline = baseline(test, rules, threshold, !withControl, baselineCanReach);
    String state;
    String since;
    String reason;
    WhyNotYet whyNotYet = null;
    if (v.test == null) {
      state = "ESTABLISHED";
      since = Numbers.iso(v.establishedAtMs);
      reason = "established (" + v.establishedBecause + "): part of the fleet's baseline, never halted for later events";
    } else if (test.tripped) {
      state = "TRIPPED";
      since = test.trippedAtMs > 0 ? Numbers.iso(test.trippedAtMs) : null;
      reason = "tripped: " + (withControl ? control : baseline).reason();
    } else if (!withControl && !baselineCanReach) {
      state = "CANNOT_JUDGE";
      since = Numbers.iso(test.cannotJudgeAtMs > 0 ? test.cannotJudgeAtMs : test.startMs);
      reason = "cannot judge: " + baseline.reason();
      whyNotYet = whyNotYet(test, rules, null, reason);
    } else {
      state = "UNDER_TEST";
      since = Numbers.iso(test.startMs);
      TestResult deciding = withControl ? control : baseline;
      whyNotYet = whyNotYet(test, rules, deciding.moreFailuresToTrip(), null);
      reason = whyNotYet.reason();
    }
    return new VersionStatus(fleet.fleetId, fleet.component, version, state, since, reason,
        new Rollout(v.exposed, devices, Numbers.share(v.exposed, devices), Numbers.iso(test.startMs), test.fromVersion, v.epoch, test.newDevices),
        arm(test.candidate, test.candidateFailed, test.failedDevices, test.exposureHours()),
        arm(test.control, test.controlFailed, test.controlFailures, test.controlHours),
        new Failures(test.failedDevices, test.crashedDevices, test.uncleanReboots, test.darkDevices, test.topSignature(),
            test.firstFailureMs > 0 ? Numbers.iso(test.firstFailureMs) : null),
        withControl ? "control" : "baseline", decidingBecause(test, rules, withControl, baselineCanReach),
        List.of(control, baseline), whyNotYet, RECOMPUTED);
  }

  /** Every version of this fleet/component with a test: under way, tripped, cannot judge, or established within bake-time. */
  public static List<VersionStatus> all(FleetStatistics fleet, DetectionRules rules) {
    List<VersionStatus> all = new ArrayList<>();
    fleet.versions.forEach((name, v) -> {
      boolean recent = v.established && v.lastTest != null && fleet.clockMs - v.establishedAtMs < rules.bakeTime().toMillis();
      if (v.test != null || recent) {
        all.add(of(fleet, name, rules));
      }
    });
    return all;
  }

  private static TestResult control(RolloutTest test, DetectionRules rules, double threshold, boolean deciding) {
    double r = rules.toleratedRatio();
    ControlTest control = ControlTest.restore(r, test.logControl);
    double statistic = control.statistic();
    double observed = perHour(test.failedDevices, test.exposureHours());
    double comparison = perHour(test.controlFailures, test.controlHours);
    Integer more = control.failuresToReach(threshold, test.candidate, test.control, MAX_SIMULATED);
    String classification = statistic >= threshold ? "REJECTS" : "NOT_YET";
    String reason = String.format(Locale.ROOT, "%s %s its threshold %s (2/alpha): the candidate's %s failures per device-hour"
            + " against the control's %s%s, %s× tolerated%s",
        "statistic " + number(statistic), statistic >= threshold ? "reached" : "is below", number(threshold), number(observed),
        number(comparison),
        comparison > 0 ? String.format(Locale.ROOT, " (%.1f×)", observed / comparison) : "", number(r),
        more == null ? "; no number of failures among its devices at risk would reach it"
            : more > 0 ? "; " + more + " more failure(s) on the candidate would reach it" : "");
    return new TestResult("control", deciding, classification, statistic, threshold, r, observed, comparison,
        comparison > 0 ? observed / comparison : null, "the fleet's devices on other versions, side by side",
        new Sample(test.candidateTotal() + test.failedDevices, test.exposureHours(), test.failedDevices,
            test.controlTotal() + test.controlFailures, test.controlHours, test.controlFailures), more, reason);
  }

  private static TestResult baseline(RolloutTest test, DetectionRules rules, double threshold, boolean deciding, boolean canReach) {
    double r = rules.toleratedRatio();
    double statistic = test.baseline.statistic(r);
    double observed = perHour(test.failedDevices, test.exposureHours());
    double comparison = perHour(test.baseline.historyFailures, test.baseline.historyHours);
    Integer more = test.baseline.failuresToReach(r, threshold, test.candidateTotal(), MAX_SIMULATED);
    String classification = statistic >= threshold ? "REJECTS" : canReach ? "NOT_YET" : "CANNOT_REACH";
    String reason = !canReach
        ? String.format(Locale.ROOT, "the fleet's history over %s (%.3g device-hours, %d failures) is too short for the baseline"
            + " test ever to reach its threshold %s, even if every device failed", DetectionRules.BASELINE_WINDOW,
            test.baseline.historyHours, test.baseline.historyFailures, number(threshold))
        : String.format(Locale.ROOT, "statistic %s %s its threshold %s (2/alpha): the candidate's %s failures per device-hour"
            + " against the fleet's %s before the rollout%s, %s× tolerated%s", number(statistic),
            statistic >= threshold ? "reached" : "is below", number(threshold), number(observed), number(comparison),
            comparison > 0 ? String.format(Locale.ROOT, " (%.1f×)", observed / comparison) : "", number(r),
            more == null ? "; no number of failures among its devices at risk would reach it"
                : more > 0 ? "; " + more + " more failure(s) on the candidate would reach it" : "");
    return new TestResult("baseline", deciding, classification, statistic, threshold, r, observed, comparison,
        comparison > 0 ? observed / comparison : null, "the fleet's own failures over " + DetectionRules.BASELINE_WINDOW
            + " before the start, all devices", new Sample(test.candidateTotal() + test.failedDevices, test.exposureHours(),
            test.failedDevices, 0, test.baseline.historyHours, test.baseline.historyFailures), more, reason);
  }

  /** min-devices first, then the deciding test: both must hold for the version to trip. */
  private static WhyNotYet whyNotYet(RolloutTest test, DetectionRules rules, Integer forTheTest, String cannotJudge) {
    long forMin = Math.max(0, rules.minDevices() - test.failedDevices);
    String counted = test.failedDevices + " of " + DetectionRules.MIN_DEVICES + " " + rules.minDevices() + " failed devices";
    if (cannotJudge != null) {
      return new WhyNotYet(null, test.failedDevices, rules.minDevices(), forMin, null, counted + "; " + cannotJudge);
    }
    Integer more = forTheTest == null ? null : (int) Math.max(forMin, forTheTest);
    String reason = more == null
        ? counted + "; the deciding test could not reach its threshold even if every candidate device at risk failed now"
        : counted + "; about " + more + " more failed device(s) at today's exposure would trip it"
            + (forTheTest > forMin ? " (the test needs " + forTheTest + ")" : forMin > 0 ? " (min-devices first)" : "");
    return new WhyNotYet(more, test.failedDevices, rules.minDevices(), forMin, forTheTest, reason);
  }

  private static String decidingBecause(RolloutTest test, DetectionRules rules, boolean withControl, boolean baselineCanReach) {
    String needs = String.format(Locale.ROOT, "the %s it needs (%s %d, and %.0f%% of the candidate's %,d at risk)",
        number(Math.ceil(Judgement.controlNeeded(test, rules))), DetectionRules.MIN_DEVICES, rules.minDevices(),
        Judgement.CONTROL_SHARE * 100, test.candidateTotal());
    if (withControl) {
      return String.format(Locale.ROOT, "the control has %,d devices at risk, at least %s: it decides", test.controlTotal(), needs);
    }
    return String.format(Locale.ROOT, "the control has %,d devices at risk, fewer than %s: the fleet's own past decides%s",
        test.controlTotal(), needs, baselineCanReach ? "" : ", and it is too short to");
  }

  private static Arm arm(long[] atRisk, long[] failed, long failedTotal, double hours) {
    return new Arm(Arrays.stream(atRisk).boxed().toList(), failed == null ? null : Arrays.stream(failed).boxed().toList(),
        Arrays.stream(atRisk).sum(), failedTotal, hours);
  }

  private static double perHour(long failures, double hours) {
    return hours > 0 ? failures / hours : 0;
  }

}
