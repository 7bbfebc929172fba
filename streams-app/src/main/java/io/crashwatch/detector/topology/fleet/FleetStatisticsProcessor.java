package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.model.CannotJudge;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.FleetComponentKey;
import io.crashwatch.detector.topology.model.FleetEvent;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.FleetTrial;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.PooledEvidence;
import io.crashwatch.detector.topology.model.RateSample;
import io.crashwatch.detector.topology.model.Verdict;
import io.crashwatch.detector.topology.model.VersionKey;
import io.crashwatch.detector.topology.routing.Child;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Fleet statistics, one entry per {@link FleetComponentKey}: applies each change as it comes and
 * forwards a {@link Verdict} the moment a version trips — never at a window's close — its new
 * {@link PooledEvidence} at each of its failures, a {@link CannotJudge} once per test that cannot
 * speak, a {@link FleetIncident} as one starts and ends, and a {@link RateSample} per version touched,
 * for the analysts' windows. Dark enters the tests on the wall clock, a little after it is declared
 * ({@link FleetStatistics#onWallClock}): the store {@link #TIMERS} says which fleets wait for it.
 */
public final class FleetStatisticsProcessor implements Processor<String, FleetEvent, String, Object>, FleetDecisions {
  public static final String STORE = "fleet-statistics";
  /** When each fleet/component with dark waiting (or an incident under way) is due on the wall clock. */
  public static final String TIMERS = "fleet-timers";
  static final Duration TIMER_INTERVAL = Duration.ofSeconds(1);
  /** Verdicts for the kill switch, keyed by their target's {@link VersionKey#of}. */
  public static final Child<Verdict> VERDICTS = new Child<>("fleet-verdicts", Verdict.class);
  /** Each version's new evidence for the pooled global test, keyed by its {@link VersionKey}. */
  public static final Child<PooledEvidence> EVIDENCE = new Child<>("fleet-evidence", PooledEvidence.class);
  /** Fleets that cannot judge a version, keyed by its {@link VersionKey}. */
  public static final Child<CannotJudge> CANNOT_JUDGE = new Child<>("fleet-cannot-judge", CannotJudge.class);
  /** Incidents starting and ending, for the detector's health: keyed by fleet/component. */
  public static final Child<FleetIncident> INCIDENTS = new Child<>("fleet-incidents", FleetIncident.class);
  /** Each fleet's tests started and tripped, for its false-halt account in the detector's health. */
  public static final Child<FleetTrial> TRIALS = new Child<>("fleet-trials", FleetTrial.class);
  /** FLEET_FAILURE_SPIKE alerts, keyed by alert id: one fleet/component's statistics decide each. */
  public static final Child<SreAlert> ALERTS = new Child<>("fleet-alerts", SreAlert.class);
  /** Samples for the crash-rate windows, keyed by {@link RateSample#key()}. */
  public static final Child<RateSample> RATES = new Child<>("fleet-rates", RateSample.class);

  private final DetectionRules rules;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, FleetStatistics> store;
  private KeyValueStore<String, Long> timers;
  /** Timestamp of the record being processed: what its decisions carry. */
  private long timestamp;

  public FleetStatisticsProcessor(DetectionRules rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    this.timers = context.getStateStore(TIMERS);
    context.schedule(TIMER_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::onWallClock);
  }

  @Override
  public void process(Record<String, FleetEvent> record) {
    FleetEvent event = record.value();
    FleetStatistics stats = store.get(record.key());
    if (stats == null) {
      FleetComponentKey key = FleetComponentKey.parse(record.key());
      stats = new FleetStatistics(key.fleetId(), key.component());
      stats.firstSeenWallMs = context.currentSystemTimeMs();
    }
    timestamp = record.timestamp();
    if (event.resumedVersion() != null) {
      stats.resume(event.resumedVersion(), rules, this);
    } else if (event.announcedVersion() != null) {
      stats.announce(event.announcedVersion(), event.announcedAtMs(), event.announcedPrevious(), rules, this);
    } else {
      DeviceChange change = event.change();
      stats.apply(change, rules, this);
      sample(stats, change.version(), change.firstFailure() ? change.failure().name() : null, record.timestamp(),
          change.signature(), change.signature() == null ? null : change.deviceId());
      if (change.previous() != null) {
        sample(stats, change.previous(), null, record.timestamp(), null, null);
      }
    }
    store.put(record.key(), stats);
    long due = stats.dueMs(context.currentSystemTimeMs(), rules);
    if (due != 0) { // a change only adds what waits (dark, an incident): most changes touch no timer
      timers.put(record.key(), due);
    }
  }

  /** Lets dark that waited long enough enter the tests, fleet by fleet, and ends incidents. */
  private void onWallClock(long now) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, Long> all = timers.all()) {
      all.forEachRemaining(t -> {
        if (t.value <= now) {
          due.add(t.key);
        }
      });
    }
    timestamp = now;
    for (String key : due) {
      FleetStatistics stats = store.get(key);
      if (stats == null) {
        timers.delete(key);
        continue;
      }
      stats.onWallClock(now, rules, this);
      store.put(key, stats);
      long next = stats.dueMs(now, rules);
      if (next == 0) {
        timers.delete(key);
      } else {
        timers.put(key, next);
      }
    }
  }

  @Override
  public void verdict(Verdict verdict) {
    VERDICTS.forward(context, new Record<>(VersionKey.of(verdict.target()).toString(), verdict, timestamp));
    trial(FleetTrial.tripped(verdict.fleetId())); // a test trips once: then it stands until a RESUME starts another
  }

  @Override
  public void trial(FleetTrial trial) {
    TRIALS.forward(context, new Record<>(HealthReport.KEY, trial, timestamp));
  }

  @Override
  public void cannotJudge(CannotJudge cannotJudge) {
    CANNOT_JUDGE.forward(context, new Record<>(VersionKey.of(cannotJudge.target()).toString(), cannotJudge, timestamp));
  }

  @Override
  public void alert(SreAlert alert) {
    ALERTS.forward(context, new Record<>(alert.getAlertId(), alert, timestamp));
  }

  @Override
  public long wallClockMs() {
    return context.currentSystemTimeMs();
  }

  @Override
  public void incident(FleetIncident incident) {
    INCIDENTS.forward(context, new Record<>(new FleetComponentKey(incident.fleetId(), incident.component()).toString(),
        incident, timestamp));
  }

  @Override
  public void pooled(PooledEvidence evidence) {
    String key = new VersionKey(evidence.component(), evidence.version()).toString();
    EVIDENCE.forward(context, new Record<>(key, evidence, timestamp));
  }

  /** Forwards a version's state for the crash-rate windows. */
  /** A sample for the analysts: the version's devices now, and the crash's signature and device, if any. */
  private void sample(FleetStatistics stats, String version, String failure, long timestamp, String signature, String deviceId) {
    VersionStatistics v = stats.versions.get(version);
    if (v != null) {
      RateSample sample = new RateSample(stats.fleetId, stats.component, version, v.exposed, failure, timestamp, signature, deviceId);
      RATES.forward(context, new Record<>(sample.key().toString(), sample, timestamp));
    }
  }
}
