package io.crashwatch.detector.http;

import com.fasterxml.jackson.databind.JavaType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * The detector's instances as one store: a key is read where Kafka Streams' metadata says it is held (here, or
 * asked of the instance that holds it, or of a standby when that one cannot be reached), a range is gathered from
 * every instance, and an answer says what it could not reach. While nobody holds a key (a rebalance) or a store
 * restores, the answer is a 503 saying so, never an empty "fine".
 */
final class Instances {
  private static final Serializer<String> KEYS = Serdes.String().serializer();
  private static final String STANDBY = " (standby: may lag its active copy)";

  /** One part of an answer, and who served it. */
  record Part<T>(T value, String servedBy, String warning) {
  }

  /** A query of one store of this instance. */
  interface Local<T> {
    T get(boolean stale);
  }

  /** Every instance's part of a range, and what could not be read. */
  record Gathered<T>(List<T> parts, List<String> missing, List<String> instances) {
    /** The answer's envelope: {@code key} holds {@code value}; then whether it is complete, and from whom. */
    Map<String, Object> answer(String key, Object value, HostInfo self) {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put(key, value);
      answer.put("complete", missing.isEmpty());
      answer.put("missing", missing);
      answer.put("instances", instances);
      answer.put("answeredBy", address(self));
      return answer;
    }
  }

  private final Supplier<KafkaStreams> streams;
  private final HostInfo self;
  private final Peers peers;

  Instances(Supplier<KafkaStreams> streams, HostInfo self, Peers peers) {
    this.streams = streams;
    this.self = self;
    this.peers = peers;
  }

  HostInfo self() {
    return self;
  }

  /** Kafka Streams while it processes; a 503 saying what it does instead otherwise. */
  KafkaStreams running() {
    KafkaStreams running = streams.get();
    if (running == null) {
      throw new ApiException(503, "the detector is starting");
    }
    KafkaStreams.State state = running.state();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      throw new ApiException(503, "the detector is " + state + ": it answers while it processes");
    }
    return running;
  }

  /** The key's value in this instance's copy of the store: active, or with {@code stale} a standby's. */
  <V> V local(String store, String key, boolean stale) {
    KafkaStreams running = running();
    KeyQueryMetadata owner = running.queryMetadataForKey(store, key, KEYS);
    StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query = StoreQueryParameters
        .fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()).withPartition(owner.partition());
    return running.store(stale ? query.enableStaleStores() : query).get(key);
  }

  /** This instance's copy of the window store that holds {@code key}: active, or with {@code stale} a standby's. */
  <V> ReadOnlyWindowStore<String, V> localWindows(String store, String key, boolean stale) {
    KafkaStreams running = running();
    KeyQueryMetadata owner = running.queryMetadataForKey(store, key, KEYS);
    StoreQueryParameters<ReadOnlyWindowStore<String, V>> query = StoreQueryParameters
        .fromNameAndType(store, QueryableStoreTypes.<String, V>windowStore()).withPartition(owner.partition());
    return running.store(stale ? query.enableStaleStores() : query);
  }

  /** This instance's active copy of a whole store: its part of a range. */
  <V> ReadOnlyKeyValueStore<String, V> localStore(String store) {
    return running().store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.keyValueStore()));
  }

  /** Asks the instance that holds the key, falling back to a standby's copy when it cannot be reached. */
  <T> Part<T> routed(String store, String key, Local<T> local, String path, JavaType type) throws InterruptedException {
    KeyQueryMetadata owner = running().queryMetadataForKey(store, key, KEYS);
    if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE) || owner.activeHost().equals(HostInfo.unavailable())) {
      throw new ApiException(503, "no instance holds " + store + " for " + key + " now: the instances are rebalancing; ask again in a few seconds");
    }
    String problem;
    if (owner.activeHost().equals(self)) {
      try {
        return new Part<>(local.get(false), address(self), null);
      } catch (InvalidStateStoreException e) {
        problem = store + " for " + key + " is restoring or moving here";
      }
    } else {
      try {
        return new Part<>(peers.get(owner.activeHost(), path, type), address(owner.activeHost()), null);
      } catch (Peers.Unreachable e) {
        problem = e.getMessage();
      }
    }
    for (HostInfo standby : owner.standbyHosts()) {
      try {
        T value = standby.equals(self) ? local.get(true) : peers.get(standby, path + (path.contains("?") ? "&" : "?") + "stale=true", type);
        return new Part<>(value, address(standby) + STANDBY, problem + "; served from a standby, which may lag");
      } catch (Peers.Unreachable | InvalidStateStoreException | ApiException e) {
        // the next standby, if any
      }
    }
    throw new ApiException(503, problem + ", and no standby copy could be read");
  }

  /**
   * Every instance's part of a range: this one's from {@code local}, the others' from their internal
   * {@code path}. An instance that cannot answer is named in {@link Gathered#missing}, as is a rebalance under way.
   */
  <T> Gathered<T> gather(String path, Supplier<T> local, JavaType type) throws InterruptedException {
    KafkaStreams running = running();
    List<T> parts = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> instances = new ArrayList<>();
    for (StreamsMetadata instance : running.metadataForAllStreamsClients()) {
      HostInfo host = instance.hostInfo();
      instances.add(address(host));
      try {
        T part = host.equals(self) ? local.get() : peers.get(host, path, type);
        if (part != null) {
          parts.add(part);
        }
      } catch (Peers.Unreachable | ApiException e) {
        missing.add(e.getMessage());
      } catch (InvalidStateStoreException e) {
        missing.add(address(host) + ": its stores are restoring or moving");
      }
    }
    if (running.state() != KafkaStreams.State.RUNNING) {
      missing.add(address(self) + " is " + running.state() + ": tasks may be moving between instances");
    }
    return new Gathered<>(parts, missing, instances);
  }

  static String address(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  /** Path segments, each URL-encoded: ids come from telemetry. */
  static String path(String... parts) {
    List<String> encoded = new ArrayList<>();
    for (String p : parts) {
      encoded.add(URLEncoder.encode(p, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", encoded);
  }
}
