package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.decision.BaselineTest;
import io.crashwatch.detector.topology.decision.Grid;
import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.model.EvidenceData;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.serde.AvroBodies;
import java.io.IOException;
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
    /** The highest of its own sequence numbers read back from the kill-switch topic. */
    public long confirmed;
    /** The latest command, its Avro body in this build's schema, to write again; null in state from before it was kept. */
    public byte[] latest;
    /** The key id it was signed with; another than the detector's now means a rotation: sign it again. */
    public String signedBy;

    /** The latest command, or null when none is kept (or it no longer decodes). */
    KillSwitchCommand latestCommand() {
      try {
        return latest == null ? null : AvroBodies.decode(latest, new KillSwitchCommand());
      } catch (IOException | RuntimeException e) {
        return null; // kept by a build whose command schema differed: nothing to write again
      }
    }

    void keep(KillSwitchCommand command, String keyId) {
      latest = AvroBodies.encode(command);
      signedBy = keyId;
    }

    /**
     * The next command's sequence number: after the last one, and never below the wall clock, so
     * numbers keep rising after an application reset wipes this state.
     */
    long nextSequence(long nowMs) {
      sequence = Math.max(sequence + 1, nowMs);
      return sequence;
    }
  }

  /** A trust gate that kept a fleet's trip from counting towards the global halt. */
  public static final class Gate {
    public static final String ALLOWLIST = "allowlist";
    public static final String SIZE = "size";
    public static final String AGE = "age";
    public static final String SHADOW = "shadow";
    /** {@link #ALLOWLIST}, {@link #SIZE}, {@link #AGE} or {@link #SHADOW}. */
    public String gate;
    public String reason;
    /** When the fleet tripped and the gate held it out (wall clock). */
    public long atMs;

    public Gate() {
    }

    Gate(String gate, String reason, long atMs) {
      this.gate = gate;
      this.reason = reason;
      this.atMs = atMs;
    }
  }

  public Map<String, TargetState> fleets = new HashMap<>();
  public TargetState global = new TargetState();
  /** Fleets that tripped since the last global RESUME but a trust gate kept out of escalation, and which gate. */
  public Map<String, Gate> gatedFleets = new HashMap<>();
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
  /** Operators (name and key id) who approved lifting the global HALT, and when; see global-resume-approvals. */
  public Map<String, Long> globalApprovals = new HashMap<>();
  /** The global HALT those approvals lift: approvals of an earlier one do not count. */
  public String globalApprovalsFor;

  TargetState of(Target target) {
    return target.isGlobal() ? global : fleets.computeIfAbsent(target.fleetId(), f -> new TargetState());
  }

  /** The target's state when it has had a command of this detector's; null otherwise (nothing is created). */
  TargetState commanded(Target target) {
    TargetState t = target.isGlobal() ? global : fleets.get(target.fleetId());
    return t != null && t.sequence > 0 ? t : null;
  }

  /** Every target's state, the global one last. */
  java.util.List<TargetState> targets() {
    java.util.List<TargetState> all = new java.util.ArrayList<>(fleets.values());
    all.add(global);
    return all;
  }
}
