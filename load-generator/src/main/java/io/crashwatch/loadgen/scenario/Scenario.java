package io.crashwatch.loadgen.scenario;

import java.time.Duration;
import java.util.List;

/**
 * A scenario file (see the contract's "Scenario files"): fleets of simulated devices, the rollouts to
 * them and the incidents that no rollout caused. Times ({@code start}, {@code at}) are offsets from the
 * start of the run; {@link ScenarioParser} has validated every value.
 */
public record Scenario(String name, long seed, Duration duration, Duration heartbeatInterval,
    List<FleetSpec> fleets, List<RolloutSpec> rollouts, List<IncidentSpec> incidents) {

  public Scenario {
    fleets = List.copyOf(fleets);
    rollouts = List.copyOf(rollouts);
    incidents = List.copyOf(incidents);
  }

  /** The fleets a rollout goes to: the one it names, or every fleet for {@code "*"} (one rollout each). */
  public List<FleetSpec> fleetsOf(RolloutSpec rollout) {
    if (RolloutSpec.EVERY_FLEET.equals(rollout.fleet())) {
      return fleets;
    }
    return fleets.stream().filter(f -> f.id().equals(rollout.fleet())).toList();
  }
}
