package io.crashwatch.detector.http;

import com.fasterxml.jackson.databind.JavaType;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.analytics.CrashRateHistoryProcessor;
import io.crashwatch.detector.topology.analytics.HaltHistory;
import io.crashwatch.detector.topology.analytics.HaltHistoryProcessor;
import io.crashwatch.detector.topology.analytics.MinuteRates;
import io.crashwatch.detector.topology.analytics.RateSeriesReport;
import io.crashwatch.detector.topology.analytics.SignatureHistory;
import io.crashwatch.detector.topology.analytics.SignatureHistoryProcessor;
import io.crashwatch.detector.topology.analytics.SignatureReport;
import io.crashwatch.detector.topology.fleet.FleetReport;
import io.crashwatch.detector.topology.fleet.FleetStatistics;
import io.crashwatch.detector.topology.fleet.FleetStatisticsProcessor;
import io.crashwatch.detector.topology.model.FleetComponentKey;
import io.crashwatch.detector.topology.status.ComponentVersions;
import io.crashwatch.detector.topology.status.ComponentView;
import io.crashwatch.detector.topology.status.FleetView;
import io.crashwatch.detector.topology.status.Halt;
import io.crashwatch.detector.topology.status.HaltView;
import io.crashwatch.detector.topology.status.KillSwitchStatus;
import io.crashwatch.detector.topology.status.RateSeries;
import io.crashwatch.detector.topology.status.TopSignatures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/** The analysts' answers from the stores that hold them, across {@link Instances}: fleets, their versions, halts. */
final class AnalyticsQueries {
  /** Which halts to list: each field null for any. */
  record HaltFilter(String fleet, String component, String version) implements Predicate<HaltView> {
    @Override
    public boolean test(HaltView h) {
      return (fleet == null || fleet.equals(h.fleet())) && (component == null || component.equals(h.component()))
          && (version == null || version.equals(h.version()));
    }

    String query() {
      StringBuilder q = new StringBuilder();
      if (fleet != null) {
        q.append("&fleet=").append(Instances.path(fleet));
      }
      if (component != null) {
        q.append("&component=").append(Instances.path(component));
      }
      if (version != null) {
        q.append("&version=").append(Instances.path(version));
      }
      return q.toString();
    }
  }

  private final Instances instances;
  private final StatusQueries status;
  private final DetectorSettings settings;

  AnalyticsQueries(Instances instances, StatusQueries status, DetectorSettings settings) {
    this.instances = instances;
    this.status = status;
    this.settings = settings;
  }

  /**
   * Every fleet, in id order, up to {@code limit}: its devices, the versions of each component with their devices,
   * the incidents under way. {@code truncated} says when there were more.
   */
  Map<String, Object> fleets(int limit) throws InterruptedException {
    JavaType listType = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, ComponentView.class);
    Instances.Gathered<List<ComponentView>> gathered = instances.gather("/fleets", this::localFleets, listType);
    List<ComponentView> components = new ArrayList<>();
    gathered.parts().forEach(components::addAll);
    List<FleetView> fleets = FleetView.merge(components);
    Map<String, Object> answer = gathered.answer("fleets", fleets.stream().limit(limit).toList(), instances.self());
    answer.put("truncated", fleets.size() > limit);
    return answer;
  }

  /** This instance's part: the fleet/components its active tasks hold. */
  List<ComponentView> localFleets() {
    List<ComponentView> components = new ArrayList<>();
    ReadOnlyKeyValueStore<String, FleetStatistics> store = instances.localStore(FleetStatisticsProcessor.STORE);
    try (KeyValueIterator<String, FleetStatistics> all = store.all()) {
      all.forEachRemaining(kv -> components.add(FleetReport.component(kv.value, settings.rules())));
    }
    return components;
  }

  /** Every version of {@code component} in {@code fleet}, from the instance that holds its statistics. */
  ComponentVersions versions(String fleet, String component) throws InterruptedException {
    Instances.Part<ComponentVersions> part = instances.routed(FleetStatisticsProcessor.STORE,
        new FleetComponentKey(fleet, component).toString(), stale -> localVersions(fleet, component, stale),
        "/fleet-versions/" + Instances.path(fleet, component), Json.MAPPER.constructType(ComponentVersions.class));
    if (part.value() == null) {
      throw new ApiException(404, "no device of fleet " + fleet + " has reported component " + component);
    }
    return part.value();
  }

  ComponentVersions localVersions(String fleet, String component, boolean stale) {
    FleetStatistics stats = instances.local(FleetStatisticsProcessor.STORE, new FleetComponentKey(fleet, component).toString(), stale);
    return stats == null ? null : FleetReport.versions(stats, settings.rules());
  }

  /** A version's crash rate per minute from {@code fromMs} to {@code toMs}, beside its control's and its predecessor's. */
  RateSeries crashRates(String fleet, String component, String version, long fromMs, long toMs) throws InterruptedException {
    Instances.Part<RateSeries> part = instances.routed(FleetStatisticsProcessor.STORE,
        new FleetComponentKey(fleet, component).toString(), stale -> localCrashRates(fleet, component, version, fromMs, toMs, stale),
        "/crash-rates/" + Instances.path(fleet, component, version) + "?from=" + fromMs + "&to=" + toMs,
        Json.MAPPER.constructType(RateSeries.class));
    if (part.value() == null) {
      throw new ApiException(404, "no device of fleet " + fleet + " has run " + component + " " + version);
    }
    return part.value();
  }

  RateSeries localCrashRates(String fleet, String component, String version, long fromMs, long toMs, boolean stale) {
    String key = new FleetComponentKey(fleet, component).toString();
    FleetStatistics stats = instances.local(FleetStatisticsProcessor.STORE, key, stale);
    if (stats == null || !stats.versions.containsKey(version)) {
      return null;
    }
    ReadOnlyWindowStore<String, MinuteRates> store = instances.localWindows(CrashRateHistoryProcessor.STORE, key, stale);
    return RateSeriesReport.read(store, stats.fleetId, stats.component, version, FleetReport.previousVersion(stats, version),
        fromMs, toMs, settings.analytics().retention());
  }

  /** A version's top crash signatures by distinct devices, each marked new or regressed. */
  TopSignatures signatures(String fleet, String component, String version, int limit) throws InterruptedException {
    Instances.Part<TopSignatures> part = instances.routed(FleetStatisticsProcessor.STORE,
        new FleetComponentKey(fleet, component).toString(), stale -> localSignatures(fleet, component, version, limit, stale),
        "/signatures/" + Instances.path(fleet, component, version) + "?limit=" + limit,
        Json.MAPPER.constructType(TopSignatures.class));
    if (part.value() == null) {
      throw new ApiException(404, "no device of fleet " + fleet + " has run " + component + " " + version);
    }
    return part.value();
  }

  TopSignatures localSignatures(String fleet, String component, String version, int limit, boolean stale) {
    String key = new FleetComponentKey(fleet, component).toString();
    FleetStatistics stats = instances.local(FleetStatisticsProcessor.STORE, key, stale);
    if (stats == null || !stats.versions.containsKey(version)) {
      return null;
    }
    SignatureHistory history = instances.local(SignatureHistoryProcessor.STORE, key, stale);
    return SignatureReport.of(history, stats.fleetId, stats.component, version, FleetReport.previousVersion(stats, version), limit);
  }

  /** Standing and past halts, standing first, then the latest; at most {@code limit}. */
  Map<String, Object> halts(HaltFilter filter, int limit) throws InterruptedException {
    JavaType listType = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, HaltView.class);
    Instances.Gathered<List<HaltView>> gathered = instances.gather("/halts?limit=" + limit + filter.query(),
        () -> localHalts(filter, limit), listType);
    List<HaltView> halts = new ArrayList<>();
    gathered.parts().forEach(halts::addAll);
    return gathered.answer("halts", halts.stream().sorted(HaltView.LATEST_FIRST).limit(limit).toList(), instances.self());
  }

  /**
   * This instance's part: the halt history its tasks hold and, for a HALT that stands from before the history was
   * kept, what the kill switch keeps of it. Both stores are keyed within the kill switch's task, so one instance
   * holds a target's history and its standing.
   */
  List<HaltView> localHalts(HaltFilter filter, int limit) {
    List<HaltView> halts = new ArrayList<>();
    ReadOnlyKeyValueStore<String, HaltHistory> history = instances.localStore(HaltHistoryProcessor.STORE);
    try (KeyValueIterator<String, HaltHistory> all = history.all()) {
      all.forEachRemaining(kv -> halts.addAll(kv.value.views(kv.key)));
    }
    Set<String> known = new HashSet<>();
    halts.forEach(h -> known.add(h.commandId()));
    status.localKillSwitches(k -> {
      k.fleets().forEach((fleet, h) -> standing(h, fleet, k, known, halts));
      standing(k.global(), null, k, known, halts);
    });
    return halts.stream().filter(filter).sorted(HaltView.LATEST_FIRST).limit(limit).toList();
  }

  private static void standing(Halt h, String fleet, KillSwitchStatus k, Set<String> known, List<HaltView> halts) {
    if (h.halted() && !known.contains(h.commandId())) {
      halts.add(HaltView.standing(h, fleet, k.component(), k.version()));
    }
  }
}
