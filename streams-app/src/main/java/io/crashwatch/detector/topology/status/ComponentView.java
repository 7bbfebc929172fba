package io.crashwatch.detector.topology.status;

import java.util.List;

/**
 * One component in one fleet: its devices and the versions they run. Held by the instance whose task holds the
 * fleet/component's statistics; {@link FleetView#merge} puts a fleet's components together.
 *
 * @param incident null when none is under way
 */
public record ComponentView(String fleet, String component, long devices, List<VersionDevices> versions, Incident incident) {
}
