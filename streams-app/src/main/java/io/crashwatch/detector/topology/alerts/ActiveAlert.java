package io.crashwatch.detector.topology.alerts;

import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.SreAlert;
import java.util.Map;
import java.util.TreeMap;

/**
 * An alert as it stands now: firing, an event until its end, or resolved a short while ago. What is sent to
 * Alertmanager, again and again while it lasts, comes from here: the alerts topic expires, this does not
 * while the alert lasts.
 */
@StateFormat(1)
public final class ActiveAlert {
  public String alertId;
  public String kind;
  public String severity;
  public String status;
  /** {@code fleet/component/version} or {@code *}{@code /component/version}; null for an alert of no target. */
  public String target;
  public String summary;
  /** The evidence in words; null when the alert carries none. */
  public String description;
  /** The alert's context labels: fleet, component, version, the HALT's command id, ... */
  public Map<String, String> labels = new TreeMap<>();
  /** The command that lifts the HALT, for a firing ROLLOUT_HALTED. */
  public String resumeCommand;
  public long startsAtMs;
  /** When it ends: null while firing until resolved; set for an event (from its start) and once resolved. */
  public Long endsAtMs;
  /** The offset on the alerts topic of the record that last changed it: a change is sent at once. */
  public long revision;

  public ActiveAlert() {
  }

  /** The alert as its record on the alerts topic says, or as a resolve leaves the one that fired. */
  static ActiveAlert of(SreAlert alert, ActiveAlert firing, long revision) {
    ActiveAlert a = new ActiveAlert();
    boolean resolves = alert.getStatus() == AlertStatus.RESOLVED && firing != null
        && AlertStatus.FIRING.name().equals(firing.status);
    a.alertId = alert.getAlertId();
    a.kind = alert.getKind().name();
    a.status = alert.getStatus().name();
    a.target = alert.getTarget();
    a.summary = alert.getSummary();
    a.endsAtMs = alert.getEndsAt() == null ? null : alert.getEndsAt().toEpochMilli();
    if (alert.getStatus() == AlertStatus.FIRING && Alerts.isEvent(alert.getKind(), alert.getAlertId())
        && (a.endsAtMs == null || a.endsAtMs <= alert.getStartsAt().toEpochMilli())) {
      // Written before events carried their end (none, or their start): it ends as one written now would.
      a.endsAtMs = alert.getStartsAt().toEpochMilli() + Alerts.EVENT_SPAN.toMillis();
    }
    a.revision = revision;
    if (resolves) {
      // Everything Alertmanager knows the alert by stays as it fired, whatever the resolve record says.
      a.severity = firing.severity;
      a.target = firing.target;
      a.labels = new TreeMap<>(firing.labels);
      a.description = firing.description;
      a.startsAtMs = firing.startsAtMs;
    } else {
      a.severity = alert.getSeverity().name();
      a.labels = new TreeMap<>(alert.getLabels());
      a.description = Alerts.evidenceInWords(alert.getEvidence());
      a.startsAtMs = alert.getStartsAt().toEpochMilli();
      String halt = a.labels.get(Alerts.HALT_LABEL);
      if (halt != null && a.target != null && alert.getStatus() == AlertStatus.FIRING) {
        a.resumeCommand = Alerts.resumeCommand(Target.parse(a.target), halt);
      }
    }
    return a;
  }

  /** Whether Alertmanager no longer needs it: ended, and kept long enough after for every member to have seen the end. */
  boolean expired(long nowMs, long keptAfterEndMs) {
    return endsAtMs != null && endsAtMs + keptAfterEndMs <= nowMs;
  }
}
