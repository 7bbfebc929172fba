package io.crashwatch.loadgen.scenario;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A scenario file (see the contract's "Scenario files"): fleets of simulated devices, the rollouts to
 * them and the incidents that no rollout caused. Times ({@code start}, {@code at}) are offsets from the
 * start of the run; {@link ScenarioParser} has validated every value.
 *
 * @param operator a person's commands at given times (its {@code operator:} list)
 * @param detector detection settings scaled to the scenario (its {@code detector:} block), e.g. {@code bake-time}
 */
public record Scenario(String name, long seed, Duration duration, Duration heartbeatInterval,
    List<FleetSpec> fleets, List<RolloutSpec> rollouts, List<IncidentSpec> incidents, List<OperatorStep> operator,
    Map<String, String> detector) {

  public Scenario {
    fleets = List.copyOf(fleets);
    operator = List.copyOf(operator);
    rollouts = List.copyOf(rollouts);
    incidents = List.copyOf(incidents);
    detector = Map.copyOf(detector);
  }

  /** The settings a detector needs to run this scenario: its heartbeat interval and its {@code detector:} block. */
  public Map<String, String> detectorSettings() {
    Map<String, String> settings = new java.util.TreeMap<>(detector);
    settings.put(DetectionRules.HEARTBEAT_INTERVAL, Durations.format(heartbeatInterval));
    return settings;
  }

  /** The fleets a rollout goes to: the one it names, or every fleet for {@code "*"} (one rollout each). */
  public List<FleetSpec> fleetsOf(RolloutSpec rollout) {
    if (RolloutSpec.EVERY_FLEET.equals(rollout.fleet())) {
      return fleets;
    }
    return fleets.stream().filter(f -> f.id().equals(rollout.fleet())).toList();
  }
}
