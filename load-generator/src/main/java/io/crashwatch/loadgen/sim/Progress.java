package io.crashwatch.loadgen.sim;

import java.util.List;

/** A snapshot for the live view: devices updated, crashed and silent, throughput, halts so far. */
public record Progress(long elapsedMs, int updated, int crashed, int dark, long events, double eventsPerSecond,
                       List<String> halts) {
}
