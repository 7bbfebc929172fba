package io.crashwatch.detector.topology.health;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.alerts.Alerts;
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
 * resolves after {@link #QUIET} without one.
 */
public final class DetectorHealthProcessor implements Processor<String, UntrustedReports, String, SreAlert> {
  public static final String STORE = "detector-health";
  /** UNTRUSTED_EVIDENCE, FIRING and RESOLVED, keyed by alert id. */
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
  public void process(Record<String, UntrustedReports> record) {
    DetectorHealth health = health();
    UntrustedReports tally = record.value();
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
    store.put(UntrustedReports.KEY, health);
  }

  /** Wall clock: refused reports that stopped coming resolve the alert, and are forgotten. */
  private void check(long now) {
    DetectorHealth health = store.get(UntrustedReports.KEY);
    if (health == null || health.untrusted.reports() == 0 || now - health.lastUntrustedMs < QUIET.toMillis()) {
      return;
    }
    if (health.alertedAt > 0) {
      forward(Alerts.untrustedEvidenceResolved(health.untrusted, health.firingSinceMs, now, QUIET));
    }
    store.put(UntrustedReports.KEY, new DetectorHealth());
  }

  private DetectorHealth health() {
    DetectorHealth health = store.get(UntrustedReports.KEY);
    return health == null ? new DetectorHealth() : health;
  }

  private void forward(SreAlert alert) {
    ALERTS.forward(context, new Record<>(alert.getAlertId(), alert, context.currentSystemTimeMs()));
  }
}
