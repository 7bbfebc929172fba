package io.crashwatch.detector.topology.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** A processor alone in a {@link MockProcessorContext}: its stores in memory, and what each child got. */
public final class ProcessorHarness {
  private ProcessorHarness() {
  }

  public static <K, V> void addStore(MockProcessorContext<?, ?> context, String name, Serde<K> keys, Serde<V> values) {
    KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
  }

  /** What the processor forwarded to {@code child}; fails if it forwarded anything to no child by name. */
  public static <V> List<Record<String, V>> forwarded(MockProcessorContext<String, ?> context, Child<V> child) {
    assertThat(context.forwarded()).allSatisfy(f -> assertThat(f.childName()).as("child of %s", f).isPresent());
    return context.forwarded(child.name()).stream()
        .map(f -> new Record<>(f.record().key(), child.type().cast(f.record().value()), f.record().timestamp(),
            f.record().headers()))
        .toList();
  }
}
