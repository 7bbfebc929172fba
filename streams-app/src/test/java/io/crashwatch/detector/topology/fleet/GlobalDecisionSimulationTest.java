package io.crashwatch.detector.topology.fleet;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static io.crashwatch.detector.topology.routing.ProcessorHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.OperatorTrust;
import io.crashwatch.detector.topology.MonteCarlo;
import io.crashwatch.detector.topology.fleet.DecisionSimulation.Rollout;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.KillSwitchInput;
import io.crashwatch.detector.topology.model.VersionKey;
import io.crashwatch.detector.topology.output.KillSwitchProcessor;
import io.crashwatch.detector.topology.output.KillSwitchState;
import io.crashwatch.schemas.KillSwitchAction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * The global decision on seeded simulations of one version rolled out in many fleets at once: every
 * fleet's real {@link FleetStatistics} feeds the real {@link KillSwitchProcessor}, verdicts and
 * pooled evidence interleaved in event time. At the tolerated ratio it halts globally in at most an
 * alpha share of runs, however many fleets test the version; a regression in every fleet is halted
 * globally.
 */
class GlobalDecisionSimulationTest {
  private static final int FLEETS = 20;
  private static final Rollout CANARY = new Rollout(48, new double[] {0.1}, 1, false, 0, 0, 48);
  private static final String GLOBAL = "*/channel-291/" + DecisionSimulation.NEW;

  @Test
  void shouldHaltGloballyAtMostAlphaOfRunsAtTheToleratedRatio() {
    DetectionRules rules = DecisionSimulationTest.rules(0.05);
    int runs = 200;
    long global = 0;
    for (int seed = 0; seed < runs; seed++) {
      global += haltedAfterHours(rules, CANARY.withRatio(rules.toleratedRatio()), seed) != null ? 1 : 0;
    }
    System.out.printf("%d fleets, alpha 0.05: %d global halts in %d runs at the tolerated ratio%n", FLEETS, global, runs);
    assertThat(global).isLessThanOrEqualTo(MonteCarlo.upperCount(runs, 0.05));
  }

  @Test
  void shouldHaltAFivefoldRegressionInEveryFleetGlobally() {
    DetectionRules rules = DecisionSimulationTest.rules(0.001);
    int runs = 20;
    List<Double> hours = new ArrayList<>();
    for (int seed = 0; seed < runs; seed++) {
      Double h = haltedAfterHours(rules, CANARY.withRatio(5), 1_000_000 + seed);
      if (h != null) {
        hours.add(h);
      }
    }
    hours.sort(Comparator.naturalOrder());
    System.out.printf("%d fleets, 5x regression, alpha 0.001: %d of %d halted globally, median %.1f h%n", FLEETS,
        hours.size(), runs, hours.isEmpty() ? Double.NaN : hours.get(hours.size() / 2));
    assertThat((long) hours.size()).isGreaterThanOrEqualTo(MonteCarlo.lowerCount(runs, 0.9));
  }

  /** Plays every fleet's changes in event-time order; hours from the start to the global HALT, or null. */
  private static Double haltedAfterHours(DetectionRules rules, Rollout rollout, long seed) {
    List<DeviceChange> changes = new ArrayList<>();
    Map<String, FleetStatistics> fleets = new HashMap<>();
    for (int f = 0; f < FLEETS; f++) {
      String fleetId = "fleet-" + f;
      fleets.put(fleetId, new FleetStatistics(fleetId, "channel-291"));
      changes.addAll(DecisionSimulation.changes(DecisionSimulationTest.HETEROGENEOUS, rollout, fleetId, seed * FLEETS + f));
    }
    changes.sort(Comparator.comparingLong(DeviceChange::atMs)); // stable: each fleet's own order kept

    MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    addStore(context, KillSwitchProcessor.STORE, Serdes.String(), new JsonSerde<>(KillSwitchState.class));
    KillSwitchProcessor killSwitch = new KillSwitchProcessor(rules, OperatorTrust.defaults(), DetectorMetrics.unserved(), "0123456789abcdef");
    killSwitch.init(context);
    String key = new VersionKey("channel-291", DecisionSimulation.NEW).toString();
    int seen = 0;
    for (DeviceChange change : changes) {
      context.setCurrentSystemTimeMs(change.atMs());
      CollectedDecisions decided = new CollectedDecisions();
      fleets.get(change.fleetId()).apply(change, rules, decided); // evidence first, as the processor forwards it
      decided.pooled.forEach(e -> killSwitch.process(new Record<>(key, KillSwitchInput.of(e), change.atMs())));
      decided.verdicts.forEach(v -> killSwitch.process(new Record<>(key, KillSwitchInput.of(v), change.atMs())));
      if (context.forwarded().size() != seen) { // a command or an alert: was it the global HALT?
        seen = context.forwarded().size();
        if (forwarded(context, KillSwitchProcessor.COMMANDS).stream()
            .anyMatch(r -> r.key().equals(GLOBAL) && r.value().getAction() == KillSwitchAction.HALT)) {
          return (change.atMs() - DecisionSimulation.startMs(rollout)) / (double) DecisionSimulation.HOUR;
        }
      }
    }
    return null;
  }
}
