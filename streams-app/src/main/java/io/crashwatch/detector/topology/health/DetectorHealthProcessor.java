package io.crashwatch.detector.topology.health;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.alerts.Alerts;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.PartitionLiveness;
import io.crashwatch.detector.topology.model.UntrustedReports;
import io.crashwatch.detector.topology.routing.Child;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The detector's health, decided once for the whole application: every device-state task sends
 * what it saw to one key, so an alert about the input fires once and resolves once, however many
 * tasks and instances there are.
 *
 * <p>UNTRUSTED_EVIDENCE fires when crash reports refused as evidence reach {@code min-devices} —
 * as many as could have tripped a version — is sent again each time their count doubles, and
 * resolves after {@link #QUIET} without one. FLEET_INCIDENT fires when the first of a fleet's
 * components sees an incident and resolves when the last one sees it end.
 *
 * <p>Every heartbeat partition's task reports its liveness here, so TELEMETRY_OUTAGE (no input on any
 * partition for {@code input-silence}, once input has been seen: an empty topic at the start is no
 * outage) and DETECTOR_LAGGING (a partition with input not read to its end for {@code input-silence},
 * or one nobody has reported on for longer) fire once and resolve once, however many instances run.
 */
public final class DetectorHealthProcessor implements Processor<String, HealthReport, String, SreAlert> {
  public static final String STORE = "detector-health";
  /** UNTRUSTED_EVIDENCE and FLEET_INCIDENT, FIRING and RESOLVED, keyed by alert id. */
  public static final Child<SreAlert> ALERTS = new Child<>("detector-health-alerts", SreAlert.class);
  /** How long without a refused report before the alert resolves and counting starts over. */
  static final Duration QUIET = Duration.ofHours(1);
  static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);
  /** How often the input's liveness is judged on the wall clock: a partition nobody reports on says nothing itself. */
  static final Duration LIVENESS_CHECK = Duration.ofMillis(500);

  private final DetectionRules rules;
  private ProcessorContext<String, SreAlert> context;
  private KeyValueStore<String, DetectorHealth> store;

  public DetectorHealthProcessor(DetectionRules rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, SreAlert> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    context.schedule(CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::check);
    context.schedule(LIVENESS_CHECK, PunctuationType.WALL_CLOCK_TIME, this::checkLiveness);
  }

  @Override
  public void process(Record<String, HealthReport> record) {
    DetectorHealth health = health();
    HealthReport report = record.value();
    if (report.untrusted() != null) {
      untrusted(health, report.untrusted());
    } else if (report.incident() != null) {
      incident(health, report.incident());
    } else if (report.liveness() != null) {
      health.partitions.put(report.liveness().partition(), report.liveness());
      health.inputSeen |= report.liveness().hadInput();
      judgeInput(health, context.currentSystemTimeMs());
    }
    store.put(HealthReport.KEY, health);
  }

  /** Wall clock: input that stopped, or partitions nobody reports on, say nothing themselves. */
  private void checkLiveness(long now) {
    DetectorHealth health = store.get(HealthReport.KEY);
    if (health != null && !health.partitions.isEmpty() && judgeInput(health, now)) {
      store.put(HealthReport.KEY, health);
    }
  }

  /** Decides TELEMETRY_OUTAGE and DETECTOR_LAGGING from every partition's latest liveness; true when either changed. */
  private boolean judgeInput(DetectorHealth health, long now) {
    long silence = rules.inputSilence().toMillis();
    long latestInput = health.partitions.values().stream().mapToLong(PartitionLiveness::lastInputMs).max().orElse(now);
    boolean outage = health.inputSeen && now - latestInput >= silence;
    boolean changed = false;
    if (outage && health.outageSinceMs == 0) {
      health.outageSinceMs = latestInput;
      forward(Alerts.telemetryOutage(latestInput, rules));
      changed = true;
    } else if (!outage && health.outageSinceMs > 0) {
      forward(Alerts.telemetryRestored(health.outageSinceMs, now));
      health.outageSinceMs = 0;
      changed = true;
    }
    List<Integer> behind = outage ? List.of() : behind(health, now, silence);
    if (!behind.isEmpty() && health.laggingSinceMs == 0) {
      health.laggingSinceMs = now - silence;
      forward(Alerts.detectorLagging(behind, health.laggingSinceMs, rules));
      changed = true;
    } else if (behind.isEmpty() && health.laggingSinceMs > 0) {
      forward(Alerts.detectorCaughtUp(health.laggingSinceMs, now));
      health.laggingSinceMs = 0;
      changed = true;
    }
    return changed;
  }

  /**
   * Partitions the detector is behind on: nobody has reported on them for longer than {@code tolerance}
   * and a heartbeat interval (their task is gone or stands still: unknown is behind), or they have had
   * input and not been read to their end for {@code tolerance}. A partition without input of late is
   * silent, not behind: its task is not caught up because there is nothing to read.
   */
  private List<Integer> behind(DetectorHealth health, long now, long tolerance) {
    List<Integer> behind = new ArrayList<>();
    long stale = tolerance + rules.heartbeatInterval().toMillis();
    for (PartitionLiveness p : health.partitions.values()) {
      boolean unknown = now - p.atMs() >= stale;
      boolean lagging = p.hadInput() && !p.caughtUp() && now - p.sinceMs() >= tolerance && now - p.lastInputMs() < tolerance;
      if (unknown || lagging) {
        behind.add(p.partition());
      }
    }
    return behind;
  }

  private void incident(DetectorHealth health, FleetIncident incident) {
    DetectorHealth.Incident known = health.incidents.get(incident.fleetId());
    if (incident.firing()) {
      if (known == null) {
        known = new DetectorHealth.Incident();
        known.sinceMs = incident.sinceMs();
        health.incidents.put(incident.fleetId(), known);
        forward(Alerts.fleetIncident(incident.fleetId(), incident.darkDevices(), incident.sinceMs()));
      }
      known.components.add(incident.component());
      known.darkDevices = Math.max(known.darkDevices, incident.darkDevices());
    } else if (known != null && known.components.remove(incident.component()) && known.components.isEmpty()) {
      health.incidents.remove(incident.fleetId());
      forward(Alerts.fleetIncidentResolved(incident.fleetId(), known.darkDevices, known.sinceMs,
          context.currentSystemTimeMs()));
    }
  }

  private void untrusted(DetectorHealth health, UntrustedReports tally) {
    long now = context.currentSystemTimeMs();
    health.untrusted = health.untrusted.plus(tally.reports(), tally.exampleFleet(), tally.exampleDevice(),
        tally.exampleReason(), now);
    health.lastUntrustedMs = now;
    long reports = health.untrusted.reports();
    boolean first = health.alertedAt == 0 && reports >= rules.minDevices();
    if (first || health.alertedAt > 0 && reports >= 2 * health.alertedAt) {
      if (first) {
        health.firingSinceMs = now;
      }
      health.alertedAt = reports;
      forward(Alerts.untrustedEvidence(health.untrusted, health.firingSinceMs));
    }
  }

  /** Wall clock: refused reports that stopped coming resolve the alert, and are forgotten. */
  private void check(long now) {
    DetectorHealth health = store.get(HealthReport.KEY);
    if (health == null || health.untrusted.reports() == 0 || now - health.lastUntrustedMs < QUIET.toMillis()) {
      return;
    }
    if (health.alertedAt > 0) {
      forward(Alerts.untrustedEvidenceResolved(health.untrusted, health.firingSinceMs, now, QUIET));
    }
    health.forgetUntrusted();
    store.put(HealthReport.KEY, health);
  }

  private DetectorHealth health() {
    DetectorHealth health = store.get(HealthReport.KEY);
    return health == null ? new DetectorHealth() : health;
  }

  private void forward(SreAlert alert) {
    ALERTS.forward(context, new Record<>(alert.getAlertId(), alert, context.currentSystemTimeMs()));
  }
}
