package io.crashwatch.detector.topology.status;

/**
 * A fleet incident under way: devices that had not just changed going dark together (a site losing its network).
 *
 * @param since            when it began (the detector's wall clock; ISO-8601)
 * @param peakDarkDevices most devices gone dark within the incident window so far
 */
public record Incident(String component, String since, long peakDarkDevices) {
}
