package io.crashwatch.detector.http;

import com.fasterxml.jackson.databind.JavaType;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.http.Instances.Part;
import io.crashwatch.detector.topology.fleet.FleetStatistics;
import io.crashwatch.detector.topology.health.DetectorHealthProcessor;
import io.crashwatch.detector.topology.health.FleetTrials;
import io.crashwatch.detector.topology.fleet.FleetStatisticsProcessor;
import io.crashwatch.detector.topology.fleet.VersionReport;
import io.crashwatch.detector.topology.model.FleetComponentKey;
import io.crashwatch.detector.topology.model.VersionKey;
import io.crashwatch.detector.topology.output.KillSwitchProcessor;
import io.crashwatch.detector.topology.output.KillSwitchReport;
import io.crashwatch.detector.topology.output.KillSwitchState;
import io.crashwatch.detector.topology.status.FleetAccount;
import io.crashwatch.detector.topology.status.KillSwitchStatus;
import io.crashwatch.detector.topology.status.TargetStatus;
import io.crashwatch.detector.topology.status.TargetSummary;
import io.crashwatch.detector.topology.status.VersionStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The status of targets from the stores that hold it, across {@link Instances}: fleet statistics (by
 * fleet/component) and the kill switch (by component/version).
 */
public final class StatusQueries {
  private final Instances instances;
  private final DetectorSettings settings;

  StatusQueries(Instances instances, DetectorSettings settings) {
    this.instances = instances;
    this.settings = settings;
  }

  HostInfo self() {
    return instances.self();
  }

  TargetStatus fleetTarget(String fleet, String component, String version) throws InterruptedException {
    Part<VersionStatus> test = instances.routed(FleetStatisticsProcessor.STORE, new FleetComponentKey(fleet, component).toString(),
        stale -> localVersion(fleet, component, version, stale), "/versions/" + Instances.path(fleet, component, version),
        Json.MAPPER.constructType(VersionStatus.class));
    Part<KillSwitchStatus> killSwitch = killSwitch(component, version);
    TargetStatus status = TargetStatus.ofFleet(fleet + "/" + component + "/" + version, test.value(), killSwitch.value(), fleet,
        servedBy(test, killSwitch), warnings(test, killSwitch));
    if (status == null) {
      throw unknown(fleet + "/" + component + "/" + version);
    }
    return withAccount(status, fleet);
  }

  /**
   * The target's status with its fleet's false-halt account, from the health task's store (one partition, on
   * one instance); while that store cannot answer, the status says so rather than fail.
   */
  private TargetStatus withAccount(TargetStatus status, String fleet) throws InterruptedException {
    try {
      Part<FleetAccount> account = instances.routed(DetectorHealthProcessor.TRIALS_STORE, fleet,
          stale -> localAccount(fleet, stale), "/fleet-trials/" + Instances.path(fleet), Json.MAPPER.constructType(FleetAccount.class));
      if (account.warning() != null) {
        status.warnings().add(account.warning());
      }
      return status.withFleetAccount(account.value());
    } catch (ApiException e) {
      status.warnings().add("the fleet's false-halt account is unavailable: " + e.getMessage());
      return status;
    }
  }

  FleetAccount localAccount(String fleet, boolean stale) {
    FleetTrials trials = instances.local(DetectorHealthProcessor.TRIALS_STORE, fleet, stale);
    return FleetAccount.of(fleet, trials);
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
    return instances.routed(KillSwitchProcessor.STORE, new VersionKey(component, version).toString(),
        stale -> localKillSwitch(component, version, stale), "/kill-switch/" + Instances.path(component, version),
        Json.MAPPER.constructType(KillSwitchStatus.class));
  }

  /** Every target under test, halted, that cannot be judged or was established lately, from every instance. */
  Map<String, Object> targets(int limit) throws InterruptedException {
    JavaType listType = Json.MAPPER.getTypeFactory().constructCollectionType(List.class, TargetSummary.class);
    Instances.Gathered<List<TargetSummary>> gathered = instances.gather("/targets?limit=" + limit, () -> localTargets(limit), listType);
    List<TargetSummary> rows = new ArrayList<>();
    gathered.parts().forEach(rows::addAll);
    return gathered.answer("targets", TargetSummary.merge(rows, limit), self());
  }

  /** This instance's part of the list: what its active tasks hold. */
  List<TargetSummary> localTargets(int limit) {
    List<TargetSummary> rows = new ArrayList<>();
    ReadOnlyKeyValueStore<String, FleetStatistics> fleets = instances.localStore(FleetStatisticsProcessor.STORE);
    try (KeyValueIterator<String, FleetStatistics> all = fleets.all()) {
      all.forEachRemaining(kv -> VersionReport.all(kv.value, settings.rules()).forEach(v -> rows.add(TargetSummary.of(v))));
    }
    localKillSwitches(status -> {
      status.fleets().values().stream().filter(h -> h.halted()).forEach(h -> rows.add(TargetSummary.of(h, "HALTED")));
      TargetStatus global = TargetStatus.ofGlobal(status.global().target(), status, Map.of(), List.of());
      if (!global.state().equals("NOT_TESTED")) {
        rows.add(TargetSummary.of(global));
      }
    });
    return TargetSummary.merge(rows, limit);
  }

  /** Each component/version this instance's kill-switch tasks hold, as the status shows it. */
  void localKillSwitches(Consumer<KillSwitchStatus> each) {
    ReadOnlyKeyValueStore<String, KillSwitchState> killSwitch = instances.localStore(KillSwitchProcessor.STORE);
    try (KeyValueIterator<String, KillSwitchState> all = killSwitch.all()) {
      all.forEachRemaining(kv -> {
        VersionKey key = VersionKey.parse(kv.key);
        each.accept(KillSwitchReport.of(kv.value, key.component(), key.version(), settings.rules(),
            settings.operators().globalResumeApprovals()));
      });
    }
  }

  VersionStatus localVersion(String fleet, String component, String version, boolean stale) {
    FleetStatistics stats = instances.local(FleetStatisticsProcessor.STORE, new FleetComponentKey(fleet, component).toString(), stale);
    return stats == null ? null : VersionReport.of(stats, version, settings.rules());
  }

  KillSwitchStatus localKillSwitch(String component, String version, boolean stale) {
    KillSwitchState state = instances.local(KillSwitchProcessor.STORE, new VersionKey(component, version).toString(), stale);
    return state == null ? null
        : KillSwitchReport.of(state, component, version, settings.rules(), settings.operators().globalResumeApprovals());
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
}
