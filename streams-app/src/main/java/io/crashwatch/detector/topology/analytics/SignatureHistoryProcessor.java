package io.crashwatch.detector.topology.analytics;

import io.crashwatch.detector.topology.model.FleetComponentKey;
import io.crashwatch.detector.topology.model.RateSample;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keeps each fleet/component's crash signatures per version ({@link SignatureHistory}), for the analysts' top
 * signatures. It follows fleet statistics in their task, keyed as they are, so one instance holds a version's
 * signatures and the version it replaced, which tells a new signature from a regressed one.
 */
public final class SignatureHistoryProcessor implements Processor<String, RateSample, Void, Void> {
  public static final String STORE = "crash-signature-history";

  private final Duration retention;
  private KeyValueStore<String, SignatureHistory> store;

  /** @param retention how long a signature not seen again is kept (analytics-retention) */
  public SignatureHistoryProcessor(Duration retention) {
    this.retention = retention;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, RateSample> record) {
    RateSample crash = record.value();
    if (crash == null || crash.signature() == null || crash.deviceId() == null) {
      return; // not a crash, or one from before samples carried signatures
    }
    String key = new FleetComponentKey(crash.fleetId(), crash.component()).toString();
    SignatureHistory history = store.get(key);
    if (history == null) {
      history = new SignatureHistory();
    }
    history.crash(crash.signature(), crash.version(), crash.deviceId(), crash.atMs());
    history.forgetBefore(crash.atMs() - retention.toMillis());
    store.put(key, history);
  }
}
