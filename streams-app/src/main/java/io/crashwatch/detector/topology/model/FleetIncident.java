package io.crashwatch.detector.topology.model;

/**
 * One component's statistics of a fleet see an incident start or end: devices that did not just
 * change going dark at a clearly raised rate. Every component of the fleet sees the same devices,
 * so the detector's health makes one FLEET_INCIDENT alert of them per fleet.
 *
 * @param firing      true when it starts, false when it ends
 * @param darkDevices unspecific dark devices counted in the trailing window at its peak
 * @param sinceMs     when it began (wall clock)
 */
public record FleetIncident(String fleetId, String component, boolean firing, long darkDevices, long sinceMs, long atMs) {
}
