package io.crashwatch.detector.topology.device;

import io.crashwatch.detector.topology.model.DeviceChange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Devices seen for the first time, counted per fleet and set of installed versions before they go
 * to the fleet level. A detector starting on a fleet of millions sees every device once: one
 * record per device would flood the fleet level with changes that only add to its counts.
 *
 * <p>Counts wait in a logged store, so a commit never takes the input offsets without them. They go
 * out on the device scan, and before any other change in the same fleet, so fleet statistics see
 * a device counted before they see it switch or fail.
 */
public final class Inventory {
  /** Between the parts of a key: fleetId, then component and version pairs. No id holds it. */
  private static final char SEPARATOR = '\0';
  private static final StringSerializer PREFIX = new StringSerializer();

  private final KeyValueStore<String, Pending> store;
  /** Fleets with counts waiting: every other change asks, and most find none without a scan. */
  private final Set<String> waiting = new HashSet<>();

  /** Over {@code store} as restored: counts a crash left waiting go out with the rest. */
  Inventory(KeyValueStore<String, Pending> store) {
    this.store = store;
    try (KeyValueIterator<String, Pending> it = store.all()) {
      it.forEachRemaining(entry -> waiting.add(entry.key.substring(0, entry.key.indexOf(SEPARATOR))));
    }
  }

  /** Counted so far, and the latest event time among them. */
  public record Pending(long devices, long atMs) {
    public static Serde<Pending> serde() {
      return new LongPairSerde<>(Pending::devices, Pending::atMs, Pending::new);
    }

    Pending add(long atMs) {
      return new Pending(devices + 1, Math.max(this.atMs, atMs));
    }
  }

  /** One device first seen with these versions: one store update per device, not per component. */
  void add(String fleetId, SortedMap<String, String> versions, long atMs) {
    StringBuilder key = new StringBuilder(fleetId);
    versions.forEach((component, version) -> key.append(SEPARATOR).append(component).append(SEPARATOR).append(version));
    String k = key.toString();
    waiting.add(fleetId);
    Pending pending = store.get(k);
    store.put(k, pending == null ? new Pending(1, atMs) : pending.add(atMs));
  }

  /** Sends the counts waiting for one fleet, as {@link DeviceChange#firstSeen} changes. */
  void drain(String fleetId, Consumer<DeviceChange> emit) {
    if (!waiting.remove(fleetId)) {
      return;
    }
    try (KeyValueIterator<String, Pending> it = store.prefixScan(fleetId + SEPARATOR, PREFIX)) {
      send(it, emit);
    }
  }

  /** Sends every count waiting. */
  void drainAll(Consumer<DeviceChange> emit) {
    if (waiting.isEmpty()) {
      return;
    }
    waiting.clear();
    try (KeyValueIterator<String, Pending> it = store.all()) {
      send(it, emit);
    }
  }

  private void send(KeyValueIterator<String, Pending> pending, Consumer<DeviceChange> emit) {
    List<String> sent = new ArrayList<>();
    pending.forEachRemaining(entry -> {
      String[] parts = entry.key.split(String.valueOf(SEPARATOR), -1);
      for (int i = 1; i + 1 < parts.length; i += 2) {
        emit.accept(DeviceChange.firstSeen(parts[0], parts[i], parts[i + 1], entry.value.devices(), entry.value.atMs()));
      }
      sent.add(entry.key);
    });
    sent.forEach(store::delete);
  }
}
