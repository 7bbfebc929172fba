package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.alerts.Alerts;
import io.crashwatch.detector.topology.decision.BaselineTest;
import io.crashwatch.detector.topology.decision.Grid;
import io.crashwatch.detector.topology.status.EvidenceView;
import io.crashwatch.detector.topology.status.GatedFleet;
import io.crashwatch.detector.topology.status.GlobalTest;
import io.crashwatch.detector.topology.status.Halt;
import io.crashwatch.detector.topology.status.KillSwitchStatus;
import io.crashwatch.detector.topology.status.Numbers;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the kill switch keeps of a component/version, for the status API: every target's standing with the
 * evidence of its HALT and the command that lifts it, and the global test. The pooled statistics are computed
 * when read from the sums kept.
 */
public final class KillSwitchReport {
  private KillSwitchReport() {
  }

  /** @param globalResumeApprovals distinct operator keys a RESUME of the global target needs */
  public static KillSwitchStatus of(KillSwitchState state, String component, String version, DetectionRules rules,
                                    int globalResumeApprovals) {
    Map<String, Halt> fleets = new TreeMap<>();
    state.fleets.forEach((fleet, t) -> fleets.put(fleet, halt(t, new Target(fleet, component, version), null)));
    Target global = Target.global(component, version);
    double threshold = 2 / rules.alpha();
    double control = Grid.mixture(state.pooledControl);
    double baseline = BaselineTest.pooled(state.pooledBaseline);
    List<GatedFleet> gated = state.gatedFleets.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> new GatedFleet(e.getKey(), e.getValue().gate, e.getValue().reason, Instant.ofEpochMilli(e.getValue().atMs).toString()))
        .toList();
    List<String> tripped = state.trippedFleets.stream().sorted().toList();
    String reason = String.format(java.util.Locale.ROOT, "%d tripped fleet(s) count, of the %d %s needs%s; the pooled statistic %s"
            + " (control %s, baseline %s) %s its threshold %s", tripped.size(), rules.escalateFleets(),
        DetectionRules.ESCALATE_FLEETS, gated.isEmpty() ? "" : " (" + gated.size() + " more kept out by a trust gate)",
        Numbers.number(Math.max(control, baseline)), Numbers.number(control), Numbers.number(baseline),
        Math.max(control, baseline) >= threshold ? "reached" : "is below", Numbers.number(threshold));
    return new KillSwitchStatus(component, version, fleets, halt(state.global, global, globalResumeApprovals),
        new GlobalTest(tripped, rules.escalateFleets(), control, baseline, threshold, gated,
            state.cannotJudgeFleets.stream().sorted().toList(), reason));
  }

  private static Halt halt(KillSwitchState.TargetState t, Target target, Integer approvals) {
    KillSwitchCommand latest = t.latestCommand();
    boolean halt = t.halted && latest != null && latest.getAction() == KillSwitchAction.HALT;
    return new Halt(target.toString(), t.halted, t.halted ? t.commandId : null, t.halted ? t.reason : null,
        t.halted ? Instant.ofEpochMilli(t.haltedAtMs).toString() : null, halt && latest.getShadow(),
        halt ? latest.getActor() : null, halt ? latest.getNote() : null, halt ? EvidenceView.of(latest.getEvidence()) : null,
        t.halted ? Alerts.resumeCommand(target, t.commandId) : null, t.epoch, approvals);
  }
}
