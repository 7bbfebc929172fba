package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.status.ComponentVersions;
import io.crashwatch.detector.topology.status.ComponentView;
import io.crashwatch.detector.topology.status.Failures;
import io.crashwatch.detector.topology.status.Incident;
import io.crashwatch.detector.topology.status.Numbers;
import io.crashwatch.detector.topology.status.VersionAnalytics;
import io.crashwatch.detector.topology.status.VersionDevices;
import io.crashwatch.detector.topology.status.VersionStatus;
import java.util.ArrayList;
import java.util.List;

/** What fleet statistics know of one fleet/component, for the analysts' routes: its versions and their devices. */
public final class FleetReport {
  private FleetReport() {
  }

  /** The component's devices, every version it holds with its devices and state, and its incident, if any. */
  public static ComponentView component(FleetStatistics fleet, DetectionRules rules) {
    long devices = fleet.devices();
    List<VersionDevices> versions = new ArrayList<>();
    fleet.versions.forEach((name, v) -> versions.add(new VersionDevices(name, v.exposed, Numbers.share(v.exposed, devices),
        VersionReport.of(fleet, name, rules).state())));
    Incident incident = fleet.incident.active()
        ? new Incident(fleet.component, Numbers.iso(fleet.incident.sinceMs), fleet.incident.peak) : null;
    return new ComponentView(fleet.fleetId, fleet.component, devices, versions, incident);
  }

  /** Every version the component's statistics hold, each with its devices, failed devices and full status. */
  public static ComponentVersions versions(FleetStatistics fleet, DetectionRules rules) {
    long devices = fleet.devices();
    List<VersionAnalytics> versions = new ArrayList<>();
    fleet.versions.forEach((name, v) -> {
      VersionStatus status = VersionReport.of(fleet, name, rules);
      Failures tested = status.failures();
      versions.add(new VersionAnalytics(name, v.exposed, Numbers.share(v.exposed, devices),
          new Failures(v.failedDevices, v.crashedDevices, v.uncleanRebootDevices, v.darkDevices,
              tested == null ? null : tested.topSignature(), tested == null ? null : tested.firstFailureAt()),
          v.adoptedDevices > 0 ? Math.max(0, 1 - (double) v.failedDevices / v.adoptedDevices) : 1, status));
    });
    return new ComponentVersions(fleet.fleetId, fleet.component, devices, versions);
  }

  /** The version {@code version} replaced in this fleet, as its latest test says; null when none is known. */
  public static String previousVersion(FleetStatistics fleet, String version) {
    VersionStatistics v = fleet.versions.get(version);
    RolloutTest test = v == null ? null : v.test != null ? v.test : v.lastTest;
    return test == null ? null : test.fromVersion;
  }
}
