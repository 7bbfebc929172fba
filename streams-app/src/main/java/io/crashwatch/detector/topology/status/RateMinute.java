package io.crashwatch.detector.topology.status;

/**
 * One minute of a version's crash rate, beside its control's (the fleet's devices on the component's other
 * versions) and the version it replaced.
 *
 * @param minute   its start (event time; ISO-8601)
 * @param adoption the version's share of the fleet's devices on the component at the minute's end
 * @param previous null when the version replaced none the detector knows
 */
public record RateMinute(String minute, double adoption, RatePoint version, RatePoint control, RatePoint previous) {
}
