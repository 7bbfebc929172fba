package io.crashwatch.detector.topology.output;

import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The fleets whose trips may count towards a global halt, when any are listed: the {@code fleets}
 * setting, and the compacted {@code fleets-topic} (key: a fleet id; any non-empty value lists it, a
 * tombstone or an empty value removes it), which every instance reads whole into a global store, so
 * fleets can be listed without a restart. Anyone who can send telemetry can invent a fleet; who can
 * write this topic is an ACL.
 */
public final class FleetAllowlist {
  public static final String STORE = "fleet-allowlist";

  private final Set<String> setting;
  private final KeyValueStore<String, byte[]> listed;

  /** @param listed the global store of the topic; null where there is none (a processor tested alone) */
  FleetAllowlist(Set<String> setting, KeyValueStore<String, byte[]> listed) {
    this.setting = setting;
    this.listed = listed;
  }

  /** Reads {@code topic} into the global store every kill switch consults. */
  public static void addTo(StreamsBuilder builder, String topic) {
    builder.addGlobalStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        topic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(topic + "-source"), Updater::new);
  }

  /** Whether this fleet's trips may count: nothing is listed, or it is. */
  boolean allows(String fleetId) {
    boolean anyListed = listed != null && listed.approximateNumEntries() > 0;
    if (setting.isEmpty() && !anyListed) {
      return true;
    }
    return setting.contains(fleetId) || anyListed && listed.get(fleetId) != null;
  }

  /** Keeps the global store as the topic says. */
  private static final class Updater implements Processor<String, byte[], Void, Void> {
    private KeyValueStore<String, byte[]> store;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, byte[]> record) {
      if (record.key() == null) {
        return;
      }
      if (record.value() == null || record.value().length == 0) {
        store.delete(record.key());
      } else {
        store.put(record.key(), record.value());
      }
    }
  }
}
