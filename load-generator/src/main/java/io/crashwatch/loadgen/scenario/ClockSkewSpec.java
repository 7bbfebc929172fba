package io.crashwatch.loadgen.scenario;

import java.time.Duration;

/**
 * Clocks that are wrong: a {@code fraction} of the fleet's devices run behind or ahead of true time by
 * a fixed amount each, drawn uniformly from [-{@code amount}, +{@code amount}]. Their heartbeats' and
 * crash reports' times are off by it; the broker's timestamps are not.
 */
public record ClockSkewSpec(double fraction, Duration amount) {
}
