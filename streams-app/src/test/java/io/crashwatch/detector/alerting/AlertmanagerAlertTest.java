package io.crashwatch.detector.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.Alerting;
import io.crashwatch.detector.topology.alerts.ActiveAlert;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Each alert as Alertmanager takes it: the identity it dedupes by, the words a person reads, its end. */
class AlertmanagerAlertTest {
  private static final long NOW = Instant.parse("2024-07-19T04:20:00Z").toEpochMilli();
  private static final Alerting SETTINGS = new Alerting(List.of(URI.create("http://am:9093")), Duration.ofMinutes(1),
      URI.create("https://git.example.com/crashwatch/blob/main/docs/runbook.md"), null);

  @Test
  void shouldLabelAHaltByWhatItIsAndAnnotateItWithWhatToDo() {
    AlertmanagerAlert alert = AlertmanagerAlert.of(halt("FIRING", null), SETTINGS, "http://detector-0:8080", NOW);

    assertThat(alert.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname", "ROLLOUT_HALTED", "severity", "critical",
        "alert_id", "rollout-halted/airline-ops/channel-291/r41/0", "target", "airline-ops/channel-291/r41",
        "fleet", "airline-ops", "component", "channel-291", "version", "r41"));
    assertThat(alert.annotations()).containsEntry("summary", "Halted airline-ops/channel-291/r41")
        .containsEntry("description", "39 devices on the version, 23 failed")
        .containsEntry("resume_command", "./crashwatch resume airline-ops/channel-291/r41 --halt h-1 --key YOUR_KEY --reason '...'")
        .containsEntry("runbook_url", "https://git.example.com/crashwatch/blob/main/docs/runbook.md#rollout_halted")
        .containsEntry("halt", "h-1");
    assertThat(alert.generatorURL()).isEqualTo("http://detector-0:8080/api/v1/targets/airline-ops/channel-291/r41");
    assertThat(alert.startsAt()).isEqualTo("2024-07-19T04:10:00Z");
    assertThat(alert.endsAt()).as("four resend intervals ahead: one missed send resolves nothing")
        .isEqualTo("2024-07-19T04:24:00Z");
  }

  @Test
  void shouldResolveWithTheSameLabelsAndTheEndItHas() {
    AlertmanagerAlert firing = AlertmanagerAlert.of(halt("FIRING", null), SETTINGS, "http://d:8080", NOW);
    AlertmanagerAlert resolved = AlertmanagerAlert.of(halt("RESOLVED", NOW - 5_000), SETTINGS, "http://d:8080", NOW);

    assertThat(resolved.labels()).isEqualTo(firing.labels());
    assertThat(resolved.endsAt()).isEqualTo("2024-07-19T04:19:55Z");
  }

  @Test
  void shouldLinkTheStatusOfAGlobalTargetAndQuoteWhatTelemetryNamed() {
    assertThat(AlertmanagerAlert.generatorUrl("http://d:8080", "*/channel-291/r41"))
        .isEqualTo("http://d:8080/api/v1/targets/*/channel-291/r41");
    assertThat(AlertmanagerAlert.generatorUrl("http://d:8080", "a b?c/channel-291/r41"))
        .isEqualTo("http://d:8080/api/v1/targets/a%20b%3Fc/channel-291/r41");
    assertThat(AlertmanagerAlert.generatorUrl("http://d:8080", null)).isEqualTo("http://d:8080/api/v1/targets");
  }

  @Test
  void shouldLeaveTheRunbookOutWhenNoneIsSet() {
    Alerting without = new Alerting(SETTINGS.alertmanagers(), SETTINGS.resendInterval(), null, null);

    assertThat(AlertmanagerAlert.of(halt("FIRING", null), without, "http://d:8080", NOW).annotations()).doesNotContainKey("runbook_url");
  }

  private static ActiveAlert halt(String status, Long endsAtMs) {
    ActiveAlert a = new ActiveAlert();
    a.alertId = "rollout-halted/airline-ops/channel-291/r41/0";
    a.kind = "ROLLOUT_HALTED";
    a.severity = "CRITICAL";
    a.status = status;
    a.target = "airline-ops/channel-291/r41";
    a.summary = "Halted airline-ops/channel-291/r41";
    a.description = "39 devices on the version, 23 failed";
    a.labels = new TreeMap<>(Map.of("fleet", "airline-ops", "component", "channel-291", "version", "r41", "halt", "h-1"));
    a.resumeCommand = status.equals("FIRING")
        ? "./crashwatch resume airline-ops/channel-291/r41 --halt h-1 --key YOUR_KEY --reason '...'" : null;
    a.startsAtMs = Instant.parse("2024-07-19T04:10:00Z").toEpochMilli();
    a.endsAtMs = endsAtMs;
    return a;
  }
}
