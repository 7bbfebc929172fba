package io.crashwatch.detector.topology.analytics;

import io.crashwatch.schemas.KillSwitchCommand;
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
 * Keeps every command the kill switch issues in {@link HaltHistory}, by target, for the analysts' list of
 * standing and past halts. It sits after the kill switch, in its task: nothing it does delays a command, and the
 * commands it sees are the ones written.
 */
public final class HaltHistoryProcessor implements Processor<String, KillSwitchCommand, Void, Void> {
  public static final String STORE = "halt-history";
  static final Duration SWEEP_INTERVAL = Duration.ofHours(1);

  private final Duration retention;
  private ProcessorContext<Void, Void> context;
  private KeyValueStore<String, HaltHistory> store;

  /** @param retention how long a lifted HALT is kept (analytics-retention) */
  public HaltHistoryProcessor(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
    context.schedule(SWEEP_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::sweep);
  }

  @Override
  public void process(Record<String, KillSwitchCommand> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    HaltHistory history = store.get(record.key());
    if (history == null) {
      history = new HaltHistory();
    }
    if (history.add(record.value())) {
      history.forgetLiftedBefore(context.currentSystemTimeMs() - retention.toMillis());
      store.put(record.key(), history);
    }
  }

  private void sweep(long nowMs) {
    List<KeyValue<String, HaltHistory>> changed = new ArrayList<>();
    try (KeyValueIterator<String, HaltHistory> all = store.all()) {
      all.forEachRemaining(kv -> {
        if (kv.value.forgetLiftedBefore(nowMs - retention.toMillis())) {
          changed.add(kv);
        }
      });
    }
    changed.forEach(kv -> {
      if (kv.value.halts.isEmpty()) {
        store.delete(kv.key);
      } else {
        store.put(kv.key, kv.value);
      }
    });
  }
}
