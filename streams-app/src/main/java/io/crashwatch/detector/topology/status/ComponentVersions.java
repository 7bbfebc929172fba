package io.crashwatch.detector.topology.status;

import java.util.List;

/** Every version of a component in a fleet: devices, adoption, failed devices by kind, and its status. */
public record ComponentVersions(String fleet, String component, long devices, List<VersionAnalytics> versions) {
}
