package io.crashwatch.detector.topology.device;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Devices seen for the first time, counted per fleet, component and version before they go to the
 * fleet level. A detector starting on a fleet of millions sees every device once: one record per
 * device would flood the fleet level with changes that only add to its counts.
 *
 * <p>Counts wait in a logged store, so a commit never takes the input offsets without them. They go
 * out on the device scan, and before any other change of the same fleet/component, so fleet
 * statistics see a device counted before they see it switch or fail.
 */
public final class Inventory {
  /** Between fleet/component and version in a key: neither a fleetId nor a component name holds it. */
  private static final char SEPARATOR = '\0';
  private static final StringSerializer PREFIX = new StringSerializer();

  private final KeyValueStore<String, Pending> store;

  Inventory(KeyValueStore<String, Pending> store) {
    this.store = store;
  }

  /** Counted so far, and the latest event time among them. */
  public record Pending(long devices, long atMs) {
    Pending add(long atMs) {
      return new Pending(devices + 1, Math.max(this.atMs, atMs));
    }
  }

  void add(String fleetId, String component, String version, long atMs) {
    String key = fleetId + "/" + component + SEPARATOR + version;
    Pending pending = store.get(key);
    store.put(key, pending == null ? new Pending(1, atMs) : pending.add(atMs));
  }

  /** Sends the counts waiting for one fleet/component, as {@link DeviceChange#firstSeen} changes. */
  void drain(String fleetComponent, Consumer<DeviceChange> emit) {
    List<String> drained = new ArrayList<>();
    try (KeyValueIterator<String, Pending> it = store.prefixScan(fleetComponent + SEPARATOR, PREFIX)) {
      it.forEachRemaining(entry -> {
        emit.accept(change(entry));
        drained.add(entry.key);
      });
    }
    drained.forEach(store::delete);
  }

  /** Sends every count waiting. */
  void drainAll(Consumer<DeviceChange> emit) {
    List<String> drained = new ArrayList<>();
    try (KeyValueIterator<String, Pending> it = store.all()) {
      it.forEachRemaining(entry -> {
        emit.accept(change(entry));
        drained.add(entry.key);
      });
    }
    drained.forEach(store::delete);
  }

  private static DeviceChange change(KeyValue<String, Pending> entry) {
    int split = entry.key.indexOf(SEPARATOR);
    String fleetComponent = entry.key.substring(0, split);
    int slash = fleetComponent.indexOf('/');
    return DeviceChange.firstSeen(fleetComponent.substring(0, slash), fleetComponent.substring(slash + 1),
        entry.key.substring(split + 1), entry.value.devices(), entry.value.atMs());
  }

  /** Two longs: the store is logged, and JSON would cost more than the counting it saves. */
  public static final class PendingSerde implements Serde<Pending> {
    @Override
    public Serializer<Pending> serializer() {
      return (topic, p) -> p == null ? null : ByteBuffer.allocate(16).putLong(p.devices()).putLong(p.atMs()).array();
    }

    @Override
    public Deserializer<Pending> deserializer() {
      return (topic, bytes) -> {
        if (bytes == null) {
          return null;
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new Pending(b.getLong(), b.getLong());
      };
    }
  }
}
