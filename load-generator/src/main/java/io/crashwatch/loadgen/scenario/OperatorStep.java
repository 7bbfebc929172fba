package io.crashwatch.loadgen.scenario;

import io.crashwatch.schemas.OperatorAction;
import java.time.Duration;

/**
 * A person's command at a given time of the run ({@code operator:} in a scenario file): a RESUME or a
 * FORCE_HALT of {@code target}, {@code fleet/component/version} or {@code *\/component/version}, with
 * fleet ids as the scenario names them.
 */
public record OperatorStep(Duration at, OperatorAction action, String target, String reason) {
}
