package io.crashwatch.detector.topology.alerts;

import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The alerts that stand, read back from the detector's own alerts topic (committed records only) into a
 * store keyed by alert id: a FIRING stays until its RESOLVED, an event until its end, a resolve for
 * {@link #KEPT_AFTER_END} after it. The topic is not compacted and expires; this store's changelog keeps an
 * alert as long as it lasts, so after a restart, a move to another instance or a long Alertmanager outage, what
 * stands is sent again. Outside the topology, the delivery to Alertmanager reads it (interactive queries):
 * each partition is active on one instance, so each alert is delivered by one.
 */
public final class ActiveAlertsProcessor implements Processor<String, SreAlert, Void, Void> {
  public static final String STORE = "active-alerts";
  /**
   * How long an ended alert is still sent: an Alertmanager member that was away when it ended learns of the end
   * within this (Prometheus keeps sending resolved alerts for as long).
   */
  public static final Duration KEPT_AFTER_END = Duration.ofMinutes(15);
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);

  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, ActiveAlert> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  @Override
  public void process(Record<String, SreAlert> record) {
    SreAlert alert = record.value();
    if (alert == null || record.key() == null) {
      return; // the detector writes neither: nothing stands for it
    }
    long revision = context.recordMetadata().map(m -> m.offset()).orElse(record.timestamp());
    ActiveAlert now = ActiveAlert.of(alert, store.get(record.key()), revision);
    if (now.expired(context.currentSystemTimeMs(), KEPT_AFTER_END.toMillis())) {
      store.delete(record.key()); // an old record read again (a new store reading the topic from its start)
    } else {
      store.put(record.key(), now);
    }
  }

  private void sweep(long nowMs) {
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, ActiveAlert> all = store.all()) {
      while (all.hasNext()) {
        KeyValue<String, ActiveAlert> entry = all.next();
        if (entry.value.expired(nowMs, KEPT_AFTER_END.toMillis())) {
          expired.add(entry.key);
        }
      }
    }
    expired.forEach(store::delete);
  }
}
