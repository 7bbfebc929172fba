package io.crashwatch.detector.topology.alerts;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.Durations;
import io.crashwatch.detector.topology.model.UntrustedReports;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.Evidence;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Severity;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * SRE alerts, for every stage that raises one: one line a person can act on, the evidence, FIRING
 * once and RESOLVED once.
 */
public final class Alerts {
  static final String OUTAGE_ID = "telemetry-outage";
  static final String UNTRUSTED_ID = "untrusted-evidence";
  static final String INCIDENT_ID = "fleet-incident/";
  static final String LAGGING_ID = "detector-lagging";
  static final String SPIKE_ID = "failure-spike/";
  static final String SHADOW_ID = "fleet-shadow/";

  /**
   * How long an event stays active once raised: a notice (a RESUME), or a condition nothing resolves (the
   * kill switch tampered with, devices invented during a rollout). Its FIRING record carries its end.
   */
  public static final Duration EVENT_SPAN = Duration.ofHours(1);

  private Alerts() {
  }

  /**
   * One severity per kind, the same FIRING and RESOLVED: Alertmanager knows an alert by its whole label set,
   * severity included, so a resolve of another severity would be a new alert, and the page would never close.
   */
  public static Severity severity(AlertKind kind) {
    return switch (kind) {
      case ROLLOUT_HALTED, KILL_SWITCH_TAMPERED, TELEMETRY_OUTAGE, DETECTOR_LAGGING -> Severity.CRITICAL;
      case ROLLOUT_RESUMED, INSUFFICIENT_EVIDENCE, UNTRUSTED_EVIDENCE, FLEET_INCIDENT, FLEET_FAILURE_SPIKE, FLEET_SHADOW,
           UNKNOWN ->
          Severity.WARNING;
    };
  }

  public static SreAlert halted(String alertId, Target target, String commandId, Evidence evidence, String reason,
                                boolean shadow, long nowMs) {
    String summary = (shadow ? "[SHADOW] would halt " : "Halted ") + target + ": " + describe(evidence, reason)
        + " Resume with: " + resumeCommand(target, commandId);
    Map<String, String> labels = new java.util.HashMap<>(targetLabels(target));
    labels.put(HALT_LABEL, commandId);
    return alert(alertId, AlertKind.ROLLOUT_HALTED, AlertStatus.FIRING, target, summary,
        evidence, nowMs, null, labels);
  }

  /**
   * Whether an alert is an event, with nothing that resolves it: a RESUME's notice, the kill switch tampered with,
   * devices invented during a rollout. Each carries its end ({@link #EVENT_SPAN} after it fired).
   */
  public static boolean isEvent(AlertKind kind, String alertId) {
    return kind == AlertKind.ROLLOUT_RESUMED || kind == AlertKind.KILL_SWITCH_TAMPERED
        || kind == AlertKind.UNTRUSTED_EVIDENCE && alertId.startsWith(UNTRUSTED_ID + "/new-devices/");
  }

  /** The label of a ROLLOUT_HALTED alert that names the HALT, which a RESUME must name to lift it. */
  public static final String HALT_LABEL = "halt";

  /** The command that lifts the HALT {@code commandId} of {@code target}, as a person pastes it. */
  public static String resumeCommand(Target target, String commandId) {
    return "./crashwatch resume " + shellQuoted(target.toString()) + " --halt " + commandId + " --key YOUR_KEY --reason '...'";
  }

  /**
   * A target as one shell word. Its ids come from telemetry: validation refuses '/', '*' and control
   * characters but not '$', ';' or quotes, so anything beyond a plain id is single-quoted, and a
   * pasted command never runs what a device sent.
   */
  static String shellQuoted(String word) {
    return word.matches("[A-Za-z0-9._:/@%+=,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** The halt's alert resolved by a person's RESUME. */
  public static SreAlert resumed(String alertId, Target target, long haltedAtMs, String actor, String note,
              boolean stillHaltedGlobally, long nowMs) {
    return alert(alertId, AlertKind.ROLLOUT_HALTED, AlertStatus.RESOLVED, target,
        resumedSummary(target, actor, note, stillHaltedGlobally), null, haltedAtMs, nowMs);
  }

  /**
   * The notice that a person resumed a rollout, for whoever watches alerts rather than the halt's
   * resolution: an event, so it fires with its end already set, once per RESUME.
   */
  public static SreAlert rolloutResumed(Target target, int epoch, String actor, String note, boolean stillHaltedGlobally,
                                        long nowMs) {
    return alert("rollout-resumed/" + target + "/" + epoch, AlertKind.ROLLOUT_RESUMED,
        AlertStatus.FIRING, target, resumedSummary(target, actor, note, stillHaltedGlobally), null, nowMs, nowMs + EVENT_SPAN.toMillis());
  }

  private static String resumedSummary(Target target, String actor, String note, boolean stillHaltedGlobally) {
    return "Rollout of " + target + " resumed by " + actor + ": " + note
        + (stillHaltedGlobally ? " — still halted by the global target " + Target.global(target.component(), target.version()) : "");
  }

  /**
   * A record of the kill switch that is not the detector's latest command for its target: after
   * compaction it would stand in for that command, for every rollout service reading the topic afresh.
   */
  public static SreAlert killSwitchTampered(Target target, String why, KillSwitchCommand reasserted, long nowMs) {
    String summary = "The kill switch holds " + why + " for " + target + ": someone who can write the kill-switch "
        + "topic replayed, forged or deleted a command. "
        + (reasserted == null ? "Nothing to write again: the detector keeps no command of this target."
            : "Wrote its latest command again: " + reasserted.getAction() + " (" + reasserted.getCommandId() + ").")
        + " Check who has write access to the topic.";
    return alert("kill-switch-tampered/" + target, AlertKind.KILL_SWITCH_TAMPERED,
        AlertStatus.FIRING, target, summary, null, nowMs, nowMs + EVENT_SPAN.toMillis());
  }

  /**
   * A version that leaves no control large enough, in fleets whose history is too short for the
   * baseline test ever to reach its threshold: the detector cannot judge it there — said, never a pass.
   */
  public static SreAlert cannotJudge(Target version, int fleets, String exampleFleet, Evidence evidence,
                                     DetectionRules rules, long nowMs) {
    String summary = "Cannot judge " + version + " in " + fleets + " fleet(s), e.g. " + exampleFleet
        + ": no control large enough and too little history over " + DetectionRules.BASELINE_WINDOW + " ("
        + Durations.format(rules.baselineWindow()) + ") for the baseline test; it will not be halted "
        + "automatically there. Watch it, or keep devices back as a control.";
    return alert("insufficient-evidence/" + version, AlertKind.INSUFFICIENT_EVIDENCE,
        AlertStatus.FIRING, version, summary, evidence, nowMs, null);
  }

  /**
   * Crash reports refused as evidence (from devices never seen heartbeating, or naming a version
   * the device was not seen on) keep coming: a misbehaving agent, or someone forging evidence.
   */
  public static SreAlert cannotJudgeOver(Target version, long sinceMs, long nowMs) {
    return alert("insufficient-evidence/" + version, AlertKind.INSUFFICIENT_EVIDENCE, AlertStatus.RESOLVED,
        version, "Every fleet's test of " + version + " that could not judge it has ended: established, or replaced.",
        null, sinceMs, nowMs);
  }

  public static SreAlert untrustedEvidence(UntrustedReports untrusted, long sinceMs) {
    String summary = untrusted.reports() + " crash reports were not counted as evidence: their devices were never seen"
        + " heartbeating on the version they name (e.g. device " + untrusted.exampleDevice() + " of fleet "
        + untrusted.exampleFleet() + ": " + untrusted.exampleReason() + "). Check which agents or clients write the"
        + " crash-report topic.";
    return alert(UNTRUSTED_ID, AlertKind.UNTRUSTED_EVIDENCE, AlertStatus.FIRING, null, summary,
        null, sinceMs, null);
  }

  /** Devices never seen before appeared in a fleet during a rollout, too many at once to be new machines. */
  public static SreAlert newDevicesUntrusted(String fleet, String component, String version, long newDevices, long fleetDevices,
                                             long sinceMs, long nowMs) {
    Target target = new Target(fleet, component, version);
    String summary = newDevices + " devices never seen before appeared in fleet " + fleet + " (" + fleetDevices
        + " devices) since the rollout of " + target + " began; none counts as evidence in its test. New machines"
        + " come a few at a time: check who writes the heartbeat topic, and per-device credentials at the gateway.";
    return alert(UNTRUSTED_ID + "/new-devices/" + target, AlertKind.UNTRUSTED_EVIDENCE, AlertStatus.FIRING,
        target, summary, null, sinceMs, nowMs + EVENT_SPAN.toMillis());
  }

  public static SreAlert untrustedEvidenceResolved(UntrustedReports untrusted, long sinceMs, long nowMs,
                                                   java.time.Duration quiet) {
    return alert(UNTRUSTED_ID, AlertKind.UNTRUSTED_EVIDENCE, AlertStatus.RESOLVED, null,
        "No untrusted crash report for " + Durations.format(quiet) + "; " + untrusted.reports() + " in all were not counted.",
        null, sinceMs, nowMs);
  }

  /**
   * Devices of a fleet that did not just change go dark at a clearly raised rate: a site losing its
   * network, a power cut. Their silence is no evidence against any version while it lasts.
   */
  public static SreAlert fleetIncident(String fleetId, long darkDevices, long sinceMs) {
    String summary = "Incident in fleet " + fleetId + ": " + darkDevices + " devices that had not just changed went"
        + " dark together. Their silence counts against no version while it lasts (nor, for versions without a control,"
        + " their crashes): check the fleet's network and power.";
    return alert(INCIDENT_ID + fleetId, AlertKind.FLEET_INCIDENT, AlertStatus.FIRING, null, summary,
        null, sinceMs, null, Map.of("fleet", fleetId));
  }

  public static SreAlert fleetIncidentResolved(String fleetId, long darkDevices, long sinceMs, long nowMs) {
    return alert(INCIDENT_ID + fleetId, AlertKind.FLEET_INCIDENT, AlertStatus.RESOLVED, null,
        "Incident in fleet " + fleetId + " is over (at most " + darkDevices + " devices went dark together);"
            + " silence counts as evidence again.", null, sinceMs, nowMs, Map.of("fleet", fleetId));
  }

  /** A fleet is observed, not protected, from now on: FIRING for as long as it stays so. */
  public static SreAlert fleetShadow(String fleetId, String why, long nowMs) {
    String summary = "Fleet " + fleetId + " is in shadow (" + why + "): its HALTs are shadow ones that rollout services"
        + " ignore, and its trips count towards no global halt. A GLOBAL HALT still stops it.";
    return alert(SHADOW_ID + fleetId, AlertKind.FLEET_SHADOW, AlertStatus.FIRING, null, summary, null, nowMs, null,
        Map.of("fleet", fleetId));
  }

  /** The fleet is enforced again: the mark expired or was replaced, or the setting changed. */
  public static SreAlert fleetEnforced(String fleetId, long sinceMs, long nowMs) {
    return alert(SHADOW_ID + fleetId, AlertKind.FLEET_SHADOW, AlertStatus.RESOLVED, null,
        "Fleet " + fleetId + " is enforced again: its HALTs stop its rollouts.", null, sinceMs, nowMs, Map.of("fleet", fleetId));
  }

  public static SreAlert telemetryOutage(long silentSinceMs, DetectionRules rules) {
    String summary = "No heartbeats for " + Durations.format(rules.inputSilence())
        + " on any partition: check the agents' pipeline to Kafka. Nobody is declared dark meanwhile.";
    return alert(OUTAGE_ID, AlertKind.TELEMETRY_OUTAGE, AlertStatus.FIRING, null, summary,
        null, silentSinceMs, null);
  }

  public static SreAlert telemetryRestored(long silentSinceMs, long nowMs) {
    return alert(OUTAGE_ID, AlertKind.TELEMETRY_OUTAGE, AlertStatus.RESOLVED, null,
        "Heartbeats flow again; dark detection resumes after one dark-after period.", null, silentSinceMs, nowMs);
  }

  /**
   * Crashes and unclean reboots on versions already established (their test over) at a clearly raised
   * rate: no version's test can halt for them, so an SRE should look.
   */
  public static SreAlert failureSpike(String fleetId, String component, String version, long failures, long windowMs,
                                      long sinceMs) {
    String summary = failures + " devices of fleet " + fleetId + " running established " + component + " versions"
        + " (e.g. " + version + ") crashed or rebooted uncleanly within " + Durations.format(java.time.Duration.ofMillis(windowMs))
        + ", far above the fleet's history. No test is under way to halt anything: look at what changed.";
    return alert(SPIKE_ID + fleetId + "/" + component, AlertKind.FLEET_FAILURE_SPIKE,
        AlertStatus.FIRING, null, summary, null, sinceMs, null, Map.of("fleet", fleetId, "component", component));
  }

  public static SreAlert failureSpikeOver(String fleetId, String component, long sinceMs, long nowMs) {
    return alert(SPIKE_ID + fleetId + "/" + component, AlertKind.FLEET_FAILURE_SPIKE,
        AlertStatus.RESOLVED, null, "Failures of fleet " + fleetId + "'s established " + component
            + " versions are back to their usual rate.", null, sinceMs, nowMs, Map.of("fleet", fleetId, "component", component));
  }

  /** Heartbeat partitions not read to their end, or not heard of, for longer than {@code input-silence}. */
  public static SreAlert detectorLagging(java.util.Collection<Integer> partitions, long sinceMs, DetectionRules rules) {
    String summary = "The detector is behind on heartbeat partition(s) " + partitions + " for more than "
        + Durations.format(rules.inputSilence()) + " (or nobody reads them): nobody there is declared dark and its"
        + " halts come late. Check consumer lag, the detector's instances and their CPU.";
    return alert(LAGGING_ID, AlertKind.DETECTOR_LAGGING, AlertStatus.FIRING, null, summary,
        null, sinceMs, null, Map.of("partitions", partitions.toString()));
  }

  public static SreAlert detectorCaughtUp(long sinceMs, long nowMs) {
    return alert(LAGGING_ID, AlertKind.DETECTOR_LAGGING, AlertStatus.RESOLVED, null,
        "The detector reads every heartbeat partition to its end again.", null, sinceMs, nowMs);
  }

  /** "7 of 50 devices failed (5 crashed, 0 unclean reboots, 2 dark), top signature 0x50/csagent.sys, 120× the control's rate." */
  static String describe(Evidence e, String reason) {
    if (e == null) {
      return "operator halt: " + reason + ".";
    }
    String counts = String.format(Locale.ROOT, "%d of %d devices failed (%d crashed, %d unclean reboots, %d dark), top signature %s, ",
        e.getFailedDevices(), e.getDevicesOnVersion(), e.getCrashedDevices(), e.getUncleanReboots(),
        e.getDarkDevices(), e.getTopSignature() == null ? "none" : e.getTopSignature());
    boolean control = e.getComparison() == io.crashwatch.schemas.Comparison.CONTROL;
    if (control && e.getControlRate() == 0) {
      return counts + String.format(Locale.ROOT, "%.3g failures/device-hour while the %d control devices had none.",
          e.getFailureRate(), e.getControlDevices());
    }
    return counts + String.format(Locale.ROOT, "%.1f× %s rate (%.3g vs %.3g failures/device-hour).", e.getRateRatio(),
        control ? "the control's" : "the fleet's pre-rollout", e.getFailureRate(), e.getControlRate());
  }

  private static SreAlert alert(String id, AlertKind kind, AlertStatus status, Target target,
                 String summary, Evidence evidence, long startsAtMs, Long endsAtMs) {
    return alert(id, kind, status, target, summary, evidence, startsAtMs, endsAtMs, targetLabels(target));
  }

  private static Map<String, String> targetLabels(Target target) {
    return target == null ? Map.of() : Map.of("component", target.component(), "version", target.version(),
        "fleet", target.isGlobal() ? Target.ALL_FLEETS : target.fleetId());
  }

  /**
   * The evidence of a decision in words, for the person paged: what was exposed and what failed, which test
   * spoke and on what comparison, the statistic against its threshold, the top signature.
   */
  public static String evidenceInWords(Evidence e) {
    if (e == null) {
      return null;
    }
    String test = switch (e.getComparison()) {
      case CONTROL -> "The control test (the fleet's devices on other versions, side by side)";
      case BASELINE -> "The baseline test (the fleet's own past, the control being too small)";
      case NONE -> "No test";
    };
    String against = e.getComparison() == io.crashwatch.schemas.Comparison.CONTROL
        ? String.format(Locale.ROOT, "%,d control devices' %.3g", e.getControlDevices(), e.getControlRate())
        : String.format(Locale.ROOT, "the fleet's %.3g before the rollout", e.getControlRate());
    return String.format(Locale.ROOT, "%,d devices on the version, %,d failed: %,d crashed, %,d rebooted uncleanly, %,d went"
            + " dark. %s spoke: %.3g failures per device-hour against %s (%.1f×, tolerated %s×); statistic %.3g against"
            + " its threshold %.3g. Top signature: %s.%s",
        e.getDevicesOnVersion(), e.getFailedDevices(), e.getCrashedDevices(), e.getUncleanReboots(), e.getDarkDevices(),
        test, e.getFailureRate(), against, e.getRateRatio(), e.getSettings().getOrDefault(DetectionRules.TOLERATED_RATIO, "?"),
        e.getTestStatistic(), e.getThreshold(), e.getTopSignature() == null ? "none" : e.getTopSignature(),
        e.getFirstFailureAt() == null ? "" : " First failure at " + e.getFirstFailureAt() + ".");
  }

  private static SreAlert alert(String id, AlertKind kind, AlertStatus status, Target target,
                 String summary, Evidence evidence, long startsAtMs, Long endsAtMs, Map<String, String> labels) {
    return SreAlert.newBuilder()
        .setAlertId(id).setKind(kind).setSeverity(severity(kind)).setStatus(status)
        .setTarget(target == null ? null : target.toString()).setSummary(summary).setEvidence(evidence)
        .setLabels(labels)
        .setStartsAt(Instant.ofEpochMilli(startsAtMs))
        .setEndsAt(endsAtMs == null ? null : Instant.ofEpochMilli(endsAtMs))
        .build();
  }
}
