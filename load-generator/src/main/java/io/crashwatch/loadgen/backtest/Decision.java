package io.crashwatch.loadgen.backtest;

import io.crashwatch.detector.topology.Topics;
import io.crashwatch.detector.topology.alerts.Alerts;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.Evidence;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * One alert a detector made, as the comparison needs it: its kind, target and time, and for a HALT the
 * evidence. A HALT is its ROLLOUT_HALTED alert: the alerts topic keeps every one, where the compacted
 * kill switch keeps only the latest per target.
 */
record Decision(String alertId, AlertKind kind, String target, Instant at, String summary, Figures evidence) {
  /**
   * Kinds decided by the live detector's own lag and leases (TELEMETRY_OUTAGE, DETECTOR_LAGGING) or by
   * what happened to the live kill-switch topic (KILL_SWITCH_TAMPERED), none of which a replay of the
   * input can know, or by the settings rather than the telemetry (FLEET_SHADOW: the settings tried differ
   * from the live ones on purpose): never compared.
   */
  static final Set<AlertKind> LEFT_OUT = EnumSet.of(AlertKind.TELEMETRY_OUTAGE, AlertKind.DETECTOR_LAGGING,
      AlertKind.KILL_SWITCH_TAMPERED, AlertKind.FLEET_SHADOW);
  /** A HALT decided just before the span's end reaches the live alerts topic a moment later. */
  static final Duration LIVE_WRITE_MARGIN = Duration.ofMinutes(5);

  /** The evidence's figures, and the same in words as the page carries them. */
  record Figures(long devicesOnVersion, long failedDevices, long crashedDevices, long uncleanReboots, long darkDevices,
                 String comparison, double failureRate, double comparisonRate, double statistic, double threshold,
                 String topSignature, String inWords) {
    static Figures of(Evidence e) {
      return e == null ? null : new Figures(e.getDevicesOnVersion(), e.getFailedDevices(), e.getCrashedDevices(),
          e.getUncleanReboots(), e.getDarkDevices(), e.getComparison().name(), e.getFailureRate(), e.getControlRate(),
          e.getTestStatistic(), e.getThreshold(), e.getTopSignature(), Alerts.evidenceInWords(e));
    }
  }

  static Decision of(SreAlert alert) {
    return new Decision(alert.getAlertId(), alert.getKind(), alert.getTarget(), alert.getStartsAt(),
        alert.getStatus() == AlertStatus.FIRING ? alert.getSummary() : null,
        alert.getStatus() == AlertStatus.FIRING ? Figures.of(alert.getEvidence()) : null);
  }

  boolean isHalt() {
    return kind == AlertKind.ROLLOUT_HALTED;
  }

  /**
   * The alerts that fired within [from, to) and are compared: each once (a standing alert written again
   * when a task moves is the same alert), resolutions and left-out kinds dropped.
   */
  static List<Decision> within(List<SreAlert> alerts, Instant from, Instant to) {
    Map<String, Decision> firing = new LinkedHashMap<>();
    for (SreAlert a : alerts) {
      if (a.getStatus() == AlertStatus.FIRING && !LEFT_OUT.contains(a.getKind())
          && !a.getStartsAt().isBefore(from) && (to == null || a.getStartsAt().isBefore(to))) {
        firing.putIfAbsent(a.getKind() + "\n" + a.getAlertId() + "\n" + a.getStartsAt().toEpochMilli(), of(a));
      }
    }
    return new ArrayList<>(firing.values());
  }

  /** What the live detector alerted within the span, from its alerts topic, read as any consumer reads it. */
  static List<Decision> readLive(Map<String, Object> client, Topics topics, Instant from, Instant to) {
    List<SreAlert> alerts = new ArrayList<>();
    try (RecordedInput live = new RecordedInput(client, List.of(topics.alerts.name()), from, List.of(),
        to == null ? null : to.plus(LIVE_WRITE_MARGIN))) {
      ConsumerRecord<byte[], byte[]> r;
      while ((r = live.next()) != null) {
        alerts.add(topics.alerts.valueSerde().deserializer().deserialize(r.topic(), r.headers(), r.value()));
      }
    }
    return within(alerts, from, to);
  }
}
