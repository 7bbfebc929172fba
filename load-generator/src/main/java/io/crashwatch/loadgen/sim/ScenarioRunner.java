package io.crashwatch.loadgen.sim;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.killswitch.KillSwitchListener;
import io.crashwatch.killswitch.KillSwitchStatus;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.loadgen.scenario.FleetSpec;
import io.crashwatch.loadgen.scenario.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs a scenario against a cluster where a detector is already running: produces the fleets'
 * telemetry in real time, obeys the kill switch — a rollout pauses while it answers UNKNOWN, as when the
 * detector's lease is stale — and reports what happened.
 */
public final class ScenarioRunner {
  /** After the scenario's end, HALTs already on their way still count for this long. */
  static final long DRAIN_MS = 2_000;

  private ScenarioRunner() {
  }

  /**
   * @param clientConfig {@code bootstrap.servers}, {@code schema.registry.url} and security settings
   * @param keys         the detector's public keys (the kill switch is obeyed only as signed by them) and the
   *                     operator key the scenario's operator steps sign with
   * @param runId        suffix of every fleet id, so reruns against a shared cluster start fresh; null for none
   */
  public static ScenarioReport run(Scenario scenario, Map<String, Object> clientConfig, TopicNames topics,
                                   ScenarioKeys keys, String runId, Consumer<Progress> view)
      throws InterruptedException {
    if (!scenario.operator().isEmpty() && keys.operator() == null) {
      throw new IllegalArgumentException("scenario " + scenario.name() + " has operator steps: they need an operator key "
          + "that the detector's operator-public-keys trust");
    }
    List<String> halts = new ArrayList<>();
    Function<String, String> sentFleetId = fleet -> runId == null ? fleet : fleet + "-" + runId;
    Map<String, String> fleetBySentId = scenario.fleets().stream()
        .collect(Collectors.toMap(f -> sentFleetId.apply(f.id()), FleetSpec::id));
    Instant start = Instant.now();
    HaltLog haltLog = runId == null ? HaltLog.ownCluster() : HaltLog.sharedCluster(fleetBySentId, start);
    try (Telemetry telemetry = new Telemetry(clientConfig, topics, keys.operator());
         AlertLog alerts = new AlertLog(clientConfig, topics.alerts(), fleetBySentId, start)) {
      Simulation simulation = new Simulation(scenario, telemetry, sentFleetId);
      KillSwitchListener[] listener = new KillSwitchListener[1];
      listener[0] = new KillSwitchListener(clientConfig, topics.killSwitch(), topics.killSwitchLease(), keys.detector(), (target, command) -> {
        simulation.onKillSwitch(listener[0].view(), command);
        haltLog.record(target, command);
        if (command != null && command.getAction() == KillSwitchAction.HALT) {
          synchronized (halts) {
            halts.add(String.format("%5.1f s  HALT %s (%s%s)", simulation.elapsedMs() / 1000.0, target,
                command.getReason(), command.getShadow() ? ", shadow" : ""));
          }
        }
      });
      try {
        if (!listener[0].awaitCaughtUp(Duration.ofSeconds(60))) {
          throw new IllegalStateException("the kill-switch topic " + topics.killSwitch() + " could not be read to its end in 60 s");
        }
        simulation.pauseWhile(r -> listener[0].view().status(r.sentFleet, r.component(), r.version()) == KillSwitchStatus.UNKNOWN);
        simulation.haltsFrom(target -> {
          KillSwitchCommand latest = listener[0].view().commandOf(target);
          return latest != null && latest.getAction() == KillSwitchAction.HALT ? latest.getCommandId() : null;
        });
        simulation.run(() -> {
          int[] c = simulation.counts();
          long elapsed = Math.max(1, simulation.elapsedMs());
          synchronized (halts) {
            view.accept(new Progress(elapsed, c[0], c[1], c[2], telemetry.events(),
                telemetry.events() * 1000.0 / elapsed, List.copyOf(halts)));
          }
        });
        long deadline = System.nanoTime() + DRAIN_MS * 1_000_000;
        while (System.nanoTime() < deadline && simulation.rollouts().stream().anyMatch(r -> !r.isHalted() && r.bad())) {
          Thread.sleep(50);
        }
      } finally {
        listener[0].close();
      }
      double seconds = scenario.duration().toMillis() / 1000.0;
      return new ScenarioReport(scenario.name(), runId, telemetry.events(), telemetry.events() / seconds,
          simulation.rollouts(), haltLog.targets(), alerts.fired());
    }
  }
}
