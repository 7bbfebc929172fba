package io.crashwatch.detector.topology.health;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.alerts.Alerts;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.FleetTrial;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.PartitionLiveness;
import io.crashwatch.detector.topology.model.UntrustedReports;
import io.crashwatch.detector.topology.output.FleetAllowlist;
import io.crashwatch.detector.topology.routing.Child;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.schemas.KillSwitchLease;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
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
 * or one nobody has reported on for longer while others are) fire once and resolve once, however
 * many instances run. Both are judged on the times the tasks report, never on this processor's own
 * clock: when this task falls behind on its input (a stalled thread, a busy machine) it reads old
 * reports, and old reports must not read as silence.
 *
 * <p>The same reports renew each partition's signed lease ({@link #lease}): rollout services pause when
 * a partition's lease is stale or says it is behind, since the detector is blind to part of the fleet.
 */
public final class DetectorHealthProcessor implements Processor<String, HealthReport, String, Object> {
  public static final String STORE = "detector-health";
  /** Each fleet's false-halt account ({@link FleetTrials}), by fleet id. */
  public static final String TRIALS_STORE = "fleet-trials";
  /** The metric label of every fleet not named by the settings or the fleets topic: fleet ids come from telemetry. */
  public static final String OTHER_FLEETS = "_other";
  /** UNTRUSTED_EVIDENCE and FLEET_INCIDENT, FIRING and RESOLVED, keyed by alert id. */
  public static final Child<SreAlert> ALERTS = new Child<>("detector-health-alerts", SreAlert.class);
  /** Each heartbeat partition's lease, keyed by the partition number, with its sequence header; signed at the sink. */
  public static final Child<KillSwitchLease> LEASES = new Child<>("detector-health-leases", KillSwitchLease.class);
  /** How long without a refused report before the alert resolves and counting starts over. */
  static final Duration QUIET = Duration.ofHours(1);
  static final Duration CHECK_INTERVAL = Duration.ofMinutes(1);

  private final DetectionRules rules;
  private final int heartbeatPartitions;
  private final DetectorMetrics metrics;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, DetectorHealth> store;
  private KeyValueStore<String, FleetTrials> trials;
  private FleetAllowlist fleets;

  /** @param heartbeatPartitions the heartbeat topic's partitions: a rollout service needs a lease of each */
  public DetectorHealthProcessor(DetectionRules rules, int heartbeatPartitions, DetectorMetrics metrics) {
    this.rules = rules;
    this.heartbeatPartitions = heartbeatPartitions;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.fleets = new FleetAllowlist(rules, context.getStateStore(FleetAllowlist.STORE));
    this.trials = context.getStateStore(TRIALS_STORE);
    publishTrials();
    context.schedule(CHECK_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::check);
  }

  @Override
  public void process(Record<String, HealthReport> record) {
    HealthReport report = record.value();
    if (report.trial() != null) {
      trial(report.trial());
      return;
    }
    DetectorHealth health = health();
    if (report.untrusted() != null) {
      untrusted(health, report.untrusted());
    } else if (report.incident() != null) {
      incident(health, report.incident());
    } else if (report.liveness() != null) {
      health.partitions.put(report.liveness().partition(), report.liveness());
      health.inputSeen |= report.liveness().hadInput();
      judgeInput(health);
      lease(report.liveness());
      shadowFleets(health);
    }
    store.put(HealthReport.KEY, health);
  }

  /**
   * Decides TELEMETRY_OUTAGE and DETECTOR_LAGGING from every partition's latest liveness, as of the
   * latest report: the tasks keep reporting at least once a heartbeat interval, so their reports are
   * the clock.
   */
  private void judgeInput(DetectorHealth health) {
    long silence = rules.inputSilence().toMillis();
    long latest = health.partitions.values().stream().mapToLong(PartitionLiveness::atMs).max().orElseThrow();
    // Every task says it has had no input for input-silence, as of its own latest report.
    boolean outage = health.inputSeen && health.partitions.values().stream().allMatch(p -> p.atMs() - p.lastInputMs() >= silence);
    if (outage && health.outageSinceMs == 0) {
      health.outageSinceMs = health.partitions.values().stream().mapToLong(PartitionLiveness::lastInputMs).max().orElseThrow();
      forward(Alerts.telemetryOutage(health.outageSinceMs, rules));
    } else if (!outage && health.outageSinceMs > 0) {
      forward(Alerts.telemetryRestored(health.outageSinceMs, latest));
      health.outageSinceMs = 0;
    }
    List<Integer> behind = outage ? List.of() : behind(health, latest, silence);
    if (!behind.isEmpty() && health.laggingSinceMs == 0) {
      health.laggingSinceMs = latest - silence;
      forward(Alerts.detectorLagging(behind, health.laggingSinceMs, rules));
    } else if (behind.isEmpty() && health.laggingSinceMs > 0) {
      forward(Alerts.detectorCaughtUp(health.laggingSinceMs, latest));
      health.laggingSinceMs = 0;
    }
  }

  /**
   * Partitions the detector is behind on, as of the latest report: nobody has reported on them for
   * {@code tolerance} and a heartbeat interval while others have (their task is gone or stands still:
   * unknown is behind), or their task says they have had input and have not been read to their end for
   * {@code tolerance}. A partition without input of late is silent, not behind: its task is not caught
   * up because there is nothing to read.
   */
  private List<Integer> behind(DetectorHealth health, long latest, long tolerance) {
    List<Integer> behind = new ArrayList<>();
    long stale = tolerance + rules.heartbeatInterval().toMillis();
    for (PartitionLiveness p : health.partitions.values()) {
      boolean unknown = latest - p.atMs() >= stale;
      boolean lagging = p.hadInput() && !p.caughtUp() && p.atMs() - p.sinceMs() >= tolerance
          && p.atMs() - p.lastInputMs() < tolerance;
      if (unknown || lagging) {
        behind.add(p.partition());
      }
    }
    return behind;
  }

  /**
   * Renews the partition's lease from its task's report: valid for {@code lease-duration} from when the
   * task said so, never from when this task read it, so a report read late (this task behind on its
   * input, or stood still) renews nothing. The lease is anchored on the task that reads the partition:
   * when it dies, stands still or falls behind, its reports stop or say so, and the lease runs out within
   * {@code lease-duration} — whichever instance issues it.
   */
  private void lease(PartitionLiveness liveness) {
    long validUntil = liveness.atMs() + rules.leaseDuration().toMillis();
    if (validUntil <= context.currentSystemTimeMs()) {
      return;
    }
    KillSwitchLease lease = new KillSwitchLease(liveness.partition(), Math.max(heartbeatPartitions, liveness.partition() + 1),
        liveness.caughtUp(), Instant.ofEpochMilli(liveness.atMs()), Instant.ofEpochMilli(validUntil));
    Record<String, KillSwitchLease> record = new Record<>(Integer.toString(liveness.partition()), lease, context.currentSystemTimeMs());
    SignatureHeaders.putSequence(record.headers(), liveness.atMs());
    LEASES.forward(context, record);
    metrics.lease(liveness.partition(), liveness.caughtUp() ? validUntil : liveness.atMs());
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

  /**
   * Every change of which fleets are in shadow is an alert: FLEET_SHADOW fires when a fleet goes into shadow
   * (the setting at a start, an operator's mark), again when why changes (a new mark), and resolves when it is
   * enforced again (the mark expired or was replaced, the setting changed). Checked at every liveness report and
   * minute, so a mark shows within a heartbeat interval, whichever instance's global store saw it.
   */
  private void shadowFleets(DetectorHealth health) {
    long now = context.currentSystemTimeMs();
    Map<String, String> shadow = fleets.shadowFleets(now);
    for (Map.Entry<String, String> fleet : shadow.entrySet()) {
      DetectorHealth.Shadow known = health.shadowFleets.get(fleet.getKey());
      if (known == null || !known.why.equals(fleet.getValue())) {
        DetectorHealth.Shadow entered = new DetectorHealth.Shadow();
        entered.why = fleet.getValue();
        entered.sinceMs = known == null ? now : known.sinceMs;
        health.shadowFleets.put(fleet.getKey(), entered);
        forward(Alerts.fleetShadow(fleet.getKey(), fleet.getValue(), entered.sinceMs));
      }
    }
    health.shadowFleets.entrySet().removeIf(known -> {
      if (shadow.containsKey(known.getKey())) {
        return false;
      }
      forward(Alerts.fleetEnforced(known.getKey(), known.getValue().sinceMs, now));
      return true;
    });
  }

  private void trial(FleetTrial trial) {
    FleetTrials account = trials.get(trial.fleetId());
    if (account == null) {
      account = new FleetTrials();
      account.sinceMs = context.currentSystemTimeMs();
    }
    account.add(trial);
    trials.put(trial.fleetId(), account);
    publishTrials();
  }

  /**
   * Every fleet's account to the metrics, under a bounded set of labels: the fleets the settings or the fleets
   * topic name get their own, every other one is summed under {@link #OTHER_FLEETS}, so whoever can send
   * telemetry cannot flood {@code /metrics} with fleet ids. Done again every minute, as fleets get listed.
   */
  private void publishTrials() {
    java.util.Set<String> named = fleets.named();
    Map<String, FleetTrials> byLabel = new java.util.TreeMap<>();
    try (KeyValueIterator<String, FleetTrials> all = trials.all()) {
      all.forEachRemaining(kv -> byLabel.merge(named.contains(kv.key) ? kv.key : OTHER_FLEETS, kv.value, FleetTrials::plus));
    }
    byLabel.forEach((label, account) -> metrics.fleetTrials(label, account.tests, account.tripped, account.alphaSpent,
        account.falseHalts));
  }

  @Override
  public void close() {
    metrics.forgetFleetTrials(); // the task moved: the instance that has it now reports the accounts
  }

  /** Wall clock: which fleets are in shadow; refused reports that stopped coming resolve their alert, and are forgotten. */
  private void check(long now) {
    DetectorHealth health = health();
    shadowFleets(health);
    store.put(HealthReport.KEY, health);
    publishTrials();
    if (health.untrusted.reports() == 0 || now - health.lastUntrustedMs < QUIET.toMillis()) {
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
