package io.crashwatch.detector.topology.analytics;

import io.crashwatch.detector.topology.model.FleetComponentKey;
import io.crashwatch.detector.topology.model.RateSample;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * The analysts' crash rates over time: per fleet/component and minute (event time), every version's devices and
 * first failures ({@link MinuteRates}), kept {@code analytics-retention}. It follows fleet statistics in their task,
 * keyed as they are, so one instance holds a version's minutes, its control's (the fleet's other versions) and the
 * version it replaced, and a steady control needs no samples of its own: each minute starts from the one before.
 */
public final class CrashRateHistoryProcessor implements Processor<String, RateSample, Void, Void> {
  public static final String STORE = "crash-rate-history";
  public static final Duration MINUTE = Duration.ofMinutes(1);

  private final Duration retention;
  private WindowStore<String, MinuteRates> store;

  /** @param retention how long a minute is kept (analytics-retention) */
  public CrashRateHistoryProcessor(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, RateSample> record) {
    RateSample sample = record.value();
    if (sample == null) {
      return;
    }
    String key = new FleetComponentKey(sample.fleetId(), sample.component()).toString();
    long minute = sample.atMs() - Math.floorMod(sample.atMs(), MINUTE.toMillis());
    MinuteRates rates = store.fetch(key, minute);
    if (rates == null) {
      rates = MinuteRates.after(latestBefore(store, key, minute, retention));
    }
    rates.add(sample.version(), sample.devices(), sample.failure());
    store.put(key, rates, minute);
  }

  /** The latest minute kept before {@code minute}, looking back at most {@code retention}; null when none is. */
  public static MinuteRates latestBefore(ReadOnlyWindowStore<String, MinuteRates> store, String key,
                                  long minute, Duration retention) {
    try (WindowStoreIterator<MinuteRates> back = store.backwardFetch(key, Instant.ofEpochMilli(Math.max(0, minute - retention.toMillis())),
        Instant.ofEpochMilli(minute - 1))) {
      return back.hasNext() ? back.next().value : null;
    }
  }
}
