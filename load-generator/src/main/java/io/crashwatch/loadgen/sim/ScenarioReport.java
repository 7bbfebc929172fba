package io.crashwatch.loadgen.sim;

import io.crashwatch.schemas.AlertKind;
import java.util.ArrayList;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.crashwatch.loadgen.scenario.Expect;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The scenario report of shared/DESIGN.md: one entry per rollout and fleet, and the verdicts.
 *
 * @param haltedTargets every target the kill switch HALTed during the run, fleet ids as the scenario
 *                      names them (see {@link HaltLog})
 * @param alerts        every alert that fired during the run (see {@link AlertLog})
 */
public record ScenarioReport(String scenario, String runId, long eventsProduced, double eventsPerSecond,
                             List<RolloutProgress> rollouts, List<String> haltedTargets, List<AlertLog.Fired> alerts) {

  /** The {@code haltedBy} of a person's FORCE_HALT. */
  static final String OPERATOR = "OPERATOR";

  public ScenarioReport {
    rollouts = List.copyOf(rollouts);
    haltedTargets = List.copyOf(haltedTargets);
    alerts = List.copyOf(alerts);
  }

  /**
   * A rollout's {@code expect-alerts} that never fired: an alert of that kind for its fleet, or one
   * that names no fleet (the whole detector's) or every fleet ({@code *}, e.g. a version no fleet can judge).
   */
  public List<String> missedAlerts() {
    List<String> missed = new ArrayList<>();
    for (RolloutProgress r : rollouts) {
      for (AlertKind kind : r.spec.expectAlerts()) {
        boolean fired = alerts.stream().anyMatch(a -> a.kind().equals(kind.name())
            && (a.fleet() == null || a.fleet().equals(r.fleet()) || a.fleet().equals("*")));
        if (!fired) {
          missed.add(r.fleet() + "/" + r.component() + "/" + r.version() + " " + kind);
        }
      }
    }
    return missed;
  }

  /**
   * Halted rollouts that were expected to run to the end, plus HALTs of targets that stop none of
   * the scenario's rollouts ({@link #otherHalts()}). A HALT that does stop one of them is judged by
   * that rollout's entry alone, so a global halt of a healthy version counts once per fleet it
   * stopped, not once more itself. Only the detector's HALTs count, at any time of the run: a person's
   * FORCE_HALT (an {@code operator:} step) is never false, and the detector's HALT after a RESUME is.
   */
  public long falseHalts() {
    return rollouts.stream().filter(r -> r.haltedByDetector() && r.expect() == Expect.NO_HALT).count()
        + otherHalts().size();
  }

  /**
   * HALTed targets that are no rollout of the scenario: a fleet, component or version no rollout went
   * to, or a global halt of a version no rollout has. No scenario asks for them, so each is false.
   */
  public List<String> otherHalts() {
    return haltedTargets.stream().filter(t -> rollouts.stream().noneMatch(r -> stops(t, r))).toList();
  }

  /** Whether a HALT of {@code target} halts rollout {@code r}: its fleet target or its global one. */
  private static boolean stops(String target, RolloutProgress r) {
    String componentVersion = "/" + r.component() + "/" + r.version();
    return target.equals(r.fleet() + componentVersion) || target.equals("*" + componentVersion);
  }

  /** Rollouts expected to be halted that the detector never halted (a person's FORCE_HALT is not its catch). */
  public long missedHalts() {
    return rollouts.stream().filter(r -> !r.haltedByDetector() && r.expect() == Expect.HALT).count();
  }

  /** The report as JSON, fields in the contract's order. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("scenario", scenario);
    json.put("runId", runId);
    json.put("eventsProduced", eventsProduced);
    json.put("eventsPerSecond", Math.round(eventsPerSecond * 10) / 10.0);
    json.put("rollouts", rollouts.stream().map(r -> {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("fleet", r.fleet());
      e.put("component", r.component());
      e.put("version", r.version());
      e.put("bad", r.bad());
      e.put("expect", r.expect() == Expect.HALT ? "halt" : "no-halt");
      e.put("halted", r.isHalted());
      e.put("haltedBy", r.haltedBy());
      e.put("haltLatencyMs", r.haltLatencyMs());
      e.put("devicesInstalled", r.installed());
      e.put("devicesCrashed", r.crashed());
      e.put("halts", r.halts());
      e.put("devicesPaused", r.pausedDevices());
      return e;
    }).toList());
    json.put("falseHalts", falseHalts());
    json.put("missedHalts", missedHalts());
    json.put("otherHalts", otherHalts());
    json.put("alerts", alerts.stream().map(AlertLog.Fired::toString).toList());
    json.put("missedAlerts", missedAlerts());
    return json;
  }

  public void write(Path file) throws IOException {
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJson());
  }

  public String toJsonString() {
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
