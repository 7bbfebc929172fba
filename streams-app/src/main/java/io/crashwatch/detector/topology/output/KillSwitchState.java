package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.decision.BaselineTest;
import io.crashwatch.detector.topology.decision.Grid;
import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.model.EvidenceData;
import io.crashwatch.killswitch.Target;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The kill switch's memory of one component/version: each target's state and the fleets that tripped. */
@StateFormat(1)
public final class KillSwitchState {

  /** One target: halted or not, why, and how many RESUMEs it has seen. */
  public static final class TargetState {
    public boolean halted;
    public String commandId;
    public String alertId;
    public String reason;
    public long haltedAtMs;
    public int epoch;
    /** The sequence number of the target's latest command (0: none yet, or state from before signing). */
    public long sequence;

    /**
     * The next command's sequence number: after the last one, and never below the wall clock, so
     * numbers keep rising after an application reset wipes this state.
     */
    long nextSequence(long nowMs) {
      sequence = Math.max(sequence + 1, nowMs);
      return sequence;
    }
  }

  public Map<String, TargetState> fleets = new HashMap<>();
  public TargetState global = new TargetState();
  /** Fleets whose own test tripped since the last global RESUME: escalation counts these. */
  public Set<String> trippedFleets = new HashSet<>();
  /** The pooled global test: every fleet's test logs, added up (control, then baseline pace by pace). */
  public double[] pooledControl = new double[Grid.SIZE];
  public double[] pooledBaseline = new double[BaselineTest.LOGS];
  /** The evidence of the latest fleet that tripped: what a global HALT carries. */
  public EvidenceData lastTrip;
  /** Fleets where the version cannot be judged (no control, too little history): one alert for all of them. */
  public Set<String> cannotJudgeFleets = new HashSet<>();
  /** When the first of them could not judge it: the INSUFFICIENT_EVIDENCE alert's start. */
  public long cannotJudgeSinceMs;

  TargetState of(Target target) {
    return target.isGlobal() ? global : fleets.computeIfAbsent(target.fleetId(), f -> new TargetState());
  }
}
