package io.crashwatch.detector.alerting;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.crashwatch.detector.config.Alerting;
import io.crashwatch.detector.topology.alerts.ActiveAlert;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert as Alertmanager's API v2 takes it ({@code POST /api/v2/alerts}, a postable alert). Its labels are
 * its identity — Alertmanager dedupes, groups and silences by them, so they never change while it lasts; all
 * else is an annotation.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AlertmanagerAlert(Map<String, String> labels, Map<String, String> annotations, String startsAt,
                                String endsAt, String generatorURL) {
  /** Labels from the alert's context that say which alert it is. */
  static final List<String> IDENTITY = List.of("fleet", "component", "version");
  /**
   * How far ahead a firing alert's end is set, in resend intervals: Alertmanager resolves an alert that is not
   * sent again by then, as Prometheus has it (four evaluation intervals), so one missed send changes nothing.
   */
  static final int RESENDS_BEFORE_END = 4;

  static AlertmanagerAlert of(ActiveAlert alert, Alerting settings, String statusUrl, long nowMs) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("alertname", alert.kind);
    labels.put("severity", alert.severity.toLowerCase(Locale.ROOT));
    labels.put("alert_id", alert.alertId);
    if (alert.target != null) {
      labels.put("target", alert.target);
    }
    Map<String, String> annotations = new TreeMap<>();
    alert.labels.forEach((name, value) -> {
      if (IDENTITY.contains(name)) {
        labels.put(name, value);
      } else {
        annotations.put(name, value); // context, such as the partitions behind or the HALT's command id
      }
    });
    annotations.put("summary", alert.summary);
    if (alert.description != null) {
      annotations.put("description", alert.description);
    }
    if (alert.resumeCommand != null) {
      annotations.put("resume_command", alert.resumeCommand);
    }
    if (settings.runbookUrl() != null) {
      annotations.put("runbook_url", settings.runbookUrl() + "#" + alert.kind.toLowerCase(Locale.ROOT));
    }
    long endsAtMs = alert.endsAtMs != null ? alert.endsAtMs
        : nowMs + RESENDS_BEFORE_END * settings.resendInterval().toMillis();
    return new AlertmanagerAlert(labels, annotations, Instant.ofEpochMilli(alert.startsAtMs).toString(),
        Instant.ofEpochMilli(endsAtMs).toString(), generatorUrl(statusUrl, alert.target));
  }

  /** Where the status of the alert's target is read: the person paged asks it why. */
  static String generatorUrl(String statusUrl, String target) {
    if (target == null) {
      return statusUrl + "/api/v1/targets";
    }
    StringBuilder url = new StringBuilder(statusUrl).append("/api/v1/targets");
    for (String part : target.split("/", -1)) {
      url.append('/').append(URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return url.toString();
  }
}
