package io.crashwatch.loadgen.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.Severity;
import io.crashwatch.schemas.SreAlert;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecisionTest {
  private static final Instant FROM = Instant.parse("2026-11-30T00:00:00Z");
  private static final Instant TO = Instant.parse("2026-12-01T00:00:00Z");

  private static SreAlert alert(String id, AlertKind kind, AlertStatus status, Instant startsAt) {
    return SreAlert.newBuilder().setAlertId(id).setKind(kind).setSeverity(Severity.CRITICAL).setStatus(status)
        .setTarget("f/c/v").setSummary("s").setLabels(Map.of()).setStartsAt(startsAt).build();
  }

  @Test
  void shouldCompareEachFiringAlertOnceWithinTheSpanAndLeaveOutWhatFollowsTheLiveLag() {
    List<SreAlert> written = List.of(
        alert("halt-1", AlertKind.ROLLOUT_HALTED, AlertStatus.FIRING, FROM.plusSeconds(60)),
        // A task moved and its new holder wrote the standing alert again: the same alert.
        alert("halt-1", AlertKind.ROLLOUT_HALTED, AlertStatus.FIRING, FROM.plusSeconds(60)),
        alert("halt-1", AlertKind.ROLLOUT_HALTED, AlertStatus.RESOLVED, FROM.plusSeconds(60)),
        alert("before", AlertKind.ROLLOUT_HALTED, AlertStatus.FIRING, FROM.minusMillis(1)),
        alert("after", AlertKind.ROLLOUT_HALTED, AlertStatus.FIRING, TO),
        alert("lag", AlertKind.DETECTOR_LAGGING, AlertStatus.FIRING, FROM.plusSeconds(5)),
        alert("outage", AlertKind.TELEMETRY_OUTAGE, AlertStatus.FIRING, FROM.plusSeconds(5)),
        alert("tampered", AlertKind.KILL_SWITCH_TAMPERED, AlertStatus.FIRING, FROM.plusSeconds(5)),
        alert("shadow", AlertKind.FLEET_SHADOW, AlertStatus.FIRING, FROM.plusSeconds(6)),
        alert("incident", AlertKind.FLEET_INCIDENT, AlertStatus.FIRING, FROM.plusSeconds(7)));

    assertThat(Decision.within(written, FROM, TO)).extracting(Decision::alertId).containsExactly("halt-1", "incident");
    assertThat(Decision.within(written, FROM, null)).extracting(Decision::alertId).containsExactly("halt-1", "after", "incident");
  }
}
