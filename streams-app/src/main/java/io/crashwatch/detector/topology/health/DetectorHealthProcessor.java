package io.crashwatch.detector.topology.health;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.alerts.Alerts;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.UntrustedReports;
import io.crashwatch.detector.topology.routing.Child;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
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
 */
public final class DetectorHealthProcessor implements Processor<String, HealthReport, String, SreAlert> {
  public static final String STORE = "detector-health";
  /** UNTRUSTED_EVIDENCE and FLEET_INCIDENT, FIRING and RESOLVED, keyed by alert id. */
  public static final Child<SreAlert> ALERTS = new Child<>("detector-health-alerts", SreAlert.class);
  /** How long without a refused report before the alert resolves and counting starts over. */
  static final Duration QUIET = Duration.ofHours(1);
  static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);

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
  }

  @Override
  public void process(Record<String, HealthReport> record) {
    DetectorHealth health = health();
    if (record.value().untrusted() != null) {
      untrusted(health, record.value().untrusted());
    } else {
      incident(health, record.value().incident());
    }
    store.put(HealthReport.KEY, health);
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
