package io.crashwatch.detector.topology.model;

/**
 * How one heartbeat partition's device-state task sees its input: whether the detector has read it
 * to its end (a fetch showed lag 0 within a heartbeat interval) and since when that holds, and when it last
 * processed a heartbeat. Each task sends this to the detector's single health key ({@link HealthReport})
 * when it changes and once a heartbeat interval, so TELEMETRY_OUTAGE and DETECTOR_LAGGING are decided
 * once for the whole application, from every partition, wherever its task runs.
 *
 * @param caughtUp    the partition is read to its end
 * @param sinceMs     since when {@code caughtUp} holds (wall clock)
 * @param hadInput    its task has processed a heartbeat since it started: before, an idle partition is no lag
 * @param lastInputMs when its task last processed a heartbeat, or started if it has not (wall clock)
 * @param atMs        when the task said so (wall clock)
 */
public record PartitionLiveness(int partition, boolean caughtUp, long sinceMs, boolean hadInput, long lastInputMs,
                                long atMs) {
}
