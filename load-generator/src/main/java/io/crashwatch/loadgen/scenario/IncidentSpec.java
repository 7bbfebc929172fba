package io.crashwatch.loadgen.scenario;

import java.time.Duration;

/**
 * Trouble that no rollout caused, in one fleet from {@code at} for {@code duration} (YAML key
 * {@code for}): {@code darkFraction} of its devices, of every version, go silent and come back at the
 * end; {@code crashFraction} of them crash once. A detector must not halt a rollout for it.
 */
public record IncidentSpec(String fleet, Duration at, Duration duration, double darkFraction, double crashFraction) {
}
