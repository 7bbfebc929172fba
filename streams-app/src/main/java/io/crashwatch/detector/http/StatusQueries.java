package io.crashwatch.detector.http;

import com.fasterxml.jackson.databind.JavaType;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.fleet.FleetStatistics;
import io.crashwatch.detector.topology.fleet.FleetStatisticsProcessor;
import io.crashwatch.detector.topology.fleet.VersionReport;
import io.crashwatch.detector.topology.model.FleetComponentKey;
import io.crashwatch.detector.topology.model.VersionKey;
import io.crashwatch.detector.topology.output.KillSwitchProcessor;
import io.crashwatch.detector.topology.output.KillSwitchReport;
import io.crashwatch.detector.topology.output.KillSwitchState;
import io.crashwatch.detector.topology.status.KillSwitchStatus;
import io.crashwatch.detector.topology.status.TargetStatus;
import io.crashwatch.detector.topology.status.TargetSummary;
import io.crashwatch.detector.topology.status.VersionStatus;
import java.util.ArrayList;
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
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The status of targets from Kafka Streams' interactive queries over the stores that hold it: fleet statistics
 * (by fleet/component) and the kill switch (by component/version). A key another instance holds is asked of it;
 * while nobody holds it (a rebalance) or its store restores, the answer says so with a 503, never an empty
 * "fine". When the instance that holds it cannot be reached, a standby's copy is served, marked as possibly stale.
 */
public final class StatusQueries {
  private static final Serializer<String> KEYS = Serdes.String().serializer();
  private static final String STANDBY = " (standby: may lag its active copy)";

  /** One part of an answer, and who served it. */
  record Part<T>(T value, String servedBy, String warning) {
  }

  /** A query of one store of this instance. */
  private interface Local<T> {
    T get(boolean stale);
  }

  private final Supplier<KafkaStreams> streams;
  private final HostInfo self;
  private final DetectorSettings settings;
  private final Peers peers;

  StatusQueries(Supplier<KafkaStreams> streams, HostInfo self, DetectorSettings settings, Peers peers) {
    this.streams = streams;
    this.self = self;
    this.settings = settings;
    this.peers = peers;
  }

  HostInfo self() {
    return self;
  }

  TargetStatus fleetTarget(String fleet, String component, String version) throws InterruptedException {
    Part<VersionStatus> test = routed(FleetStatisticsProcessor.STORE, new FleetComponentKey(fleet, component).toString(),
        stale -> localVersion(fleet, component, version, stale), "/versions/" + path(fleet, component, version),
        Json.MAPPER.constructType(VersionStatus.class));
    Part<KillSwitchStatus> killSwitch = killSwitch(component, version);
    TargetStatus status = TargetStatus.ofFleet(fleet + "/" + component + "/" + version, test.value(), killSwitch.value(), fleet,
        servedBy(test, killSwitch), warnings(test, killSwitch));
    if (status == null) {
      throw unknown(fleet + "/" + component + "/" + version);
    }
    return status;
  }

  TargetStatus globalTarget(String component, String version) throws InterruptedException {
    Part<KillSwitchStatus> killSwitch = killSwitch(component, version);
    TargetStatus status = TargetStatus.ofGlobal("*/" + component + "/" + version, killSwitch.value(),
        servedBy(null, killSwitch), warnings(null, killSwitch));
    if (status == null) {
      throw unknown("*/" + component + "/" + version);
    }
    return status;
  }

  private Part<KillSwitchStatus> killSwitch(String component, String version) throws InterruptedException {
    return routed(KillSwitchProcessor.STORE, new VersionKey(component, version).toString(),
        stale -> localKillSwitch(component, version, stale), "/kill-switch/" + path(component, version),
        Json.MAPPER.constructType(KillSwitchStatus.class));
  }

  /** Every target under test, halted, that cannot be judged or was established lately, from every instance. */
  Map<String, Object> targets(int limit) throws InterruptedException {
    KafkaStreams running = running();
    List<TargetSummary> rows = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    List<String> instances = new ArrayList<>();
    JavaType listType = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, TargetSummary.class);
    for (StreamsMetadata instance : running.metadataForAllStreamsClients()) {
      HostInfo host = instance.hostInfo();
      instances.add(address(host));
      try {
        List<TargetSummary> part = host.equals(self) ? localTargets(limit) : peers.get(host, "/targets?limit=" + limit, listType);
        rows.addAll(part == null ? List.of() : part);
      } catch (Peers.Unreachable | ApiException e) {
        missing.add(e.getMessage());
      } catch (InvalidStateStoreException e) {
        missing.add(address(host) + ": its stores are restoring or moving");
      }
    }
    if (running.state() != KafkaStreams.State.RUNNING) {
      missing.add(address(self) + " is " + running.state() + ": tasks may be moving between instances");
    }
    Map<String, Object> answer = new java.util.LinkedHashMap<>();
    answer.put("targets", TargetSummary.merge(rows, limit));
    answer.put("complete", missing.isEmpty());
    answer.put("missing", missing);
    answer.put("instances", instances);
    answer.put("answeredBy", address(self));
    return answer;
  }

  /** This instance's part of the list: what its active tasks hold. */
  List<TargetSummary> localTargets(int limit) {
    KafkaStreams running = running();
    List<TargetSummary> rows = new ArrayList<>();
    ReadOnlyKeyValueStore<String, FleetStatistics> fleets = running.store(
        StoreQueryParameters.fromNameAndType(FleetStatisticsProcessor.STORE, QueryableStoreTypes.keyValueStore()));
    try (KeyValueIterator<String, FleetStatistics> all = fleets.all()) {
      all.forEachRemaining(kv -> VersionReport.all(kv.value, settings.rules()).forEach(v -> rows.add(TargetSummary.of(v))));
    }
    ReadOnlyKeyValueStore<String, KillSwitchState> killSwitch = running.store(
        StoreQueryParameters.fromNameAndType(KillSwitchProcessor.STORE, QueryableStoreTypes.keyValueStore()));
    try (KeyValueIterator<String, KillSwitchState> all = killSwitch.all()) {
      all.forEachRemaining(kv -> {
        VersionKey key = VersionKey.parse(kv.key);
        KillSwitchStatus status = KillSwitchReport.of(kv.value, key.component(), key.version(), settings.rules(),
            settings.operators().globalResumeApprovals());
        status.fleets().values().stream().filter(h -> h.halted()).forEach(h -> rows.add(TargetSummary.of(h, "HALTED")));
        TargetStatus global = TargetStatus.ofGlobal(status.global().target(), status, Map.of(), List.of());
        if (!global.state().equals("NOT_TESTED")) {
          rows.add(TargetSummary.of(global));
        }
      });
    }
    return TargetSummary.merge(rows, limit);
  }

  VersionStatus localVersion(String fleet, String component, String version, boolean stale) {
    FleetStatistics stats = local(FleetStatisticsProcessor.STORE, new FleetComponentKey(fleet, component).toString(), stale);
    return stats == null ? null : VersionReport.of(stats, version, settings.rules());
  }

  KillSwitchStatus localKillSwitch(String component, String version, boolean stale) {
    KillSwitchState state = local(KillSwitchProcessor.STORE, new VersionKey(component, version).toString(), stale);
    return state == null ? null
        : KillSwitchReport.of(state, component, version, settings.rules(), settings.operators().globalResumeApprovals());
  }

  /** The key's value in this instance's copy of the store: active, or with {@code stale} a standby's. */
  private <V> V local(String store, String key, boolean stale) {
    KafkaStreams running = running();
    KeyQueryMetadata owner = running.queryMetadataForKey(store, key, KEYS);
    StoreQueryParameters<ReadOnlyKeyValueStore<String, V>> query = StoreQueryParameters
        .fromNameAndType(store, QueryableStoreTypes.<String, V>keyValueStore()).withPartition(owner.partition());
    return running.store(stale ? query.enableStaleStores() : query).get(key);
  }

  /** Asks the instance that holds the key, falling back to a standby's copy when it cannot be reached. */
  private <T> Part<T> routed(String store, String key, Local<T> local, String path, JavaType type) throws InterruptedException {
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
        T value = standby.equals(self) ? local.get(true) : peers.get(standby, path + "?stale=true", type);
        return new Part<>(value, address(standby) + STANDBY, problem + "; served from a standby, which may lag");
      } catch (Peers.Unreachable | InvalidStateStoreException | ApiException e) {
        // the next standby, if any
      }
    }
    throw new ApiException(503, problem + ", and no standby copy could be read");
  }

  private KafkaStreams running() {
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

  private static Map<String, String> servedBy(Part<?> test, Part<?> killSwitch) {
    Map<String, String> served = new java.util.LinkedHashMap<>();
    if (test != null) {
      served.put("test", test.servedBy());
    }
    served.put("killSwitch", killSwitch.servedBy());
    return served;
  }

  private static List<String> warnings(Part<?> test, Part<?> killSwitch) {
    List<String> warnings = new ArrayList<>();
    if (test != null && test.warning() != null) {
      warnings.add(test.warning());
    }
    if (killSwitch.warning() != null) {
      warnings.add(killSwitch.warning());
    }
    return warnings;
  }

  private static ApiException unknown(String target) {
    return new ApiException(404, "unknown target " + target + ": no test of it under way, established lately or halted;"
        + " the detector has seen no device switch to it and no deployment of it", Map.of("state", "UNKNOWN"));
  }

  static String address(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  private static String path(String... parts) {
    List<String> encoded = new ArrayList<>();
    for (String p : parts) {
      encoded.add(java.net.URLEncoder.encode(p, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
    }
    return String.join("/", encoded);
  }
}
