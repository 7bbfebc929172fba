package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;

/**
 * Input of the kill switch, keyed by {@link VersionKey}: a fleet's verdict, a person's command, a
 * fleet's new evidence for the pooled global test, or a fleet that cannot judge the version. Format 2
 * added the evidence, format 3 the fleets that cannot judge: a reader of an older format would take
 * either for a command, so it refuses the newer format instead.
 */
@StateFormat(3)
public record KillSwitchInput(Verdict verdict, OperatorRequest operator, PooledEvidence evidence, CannotJudge cannotJudge) {
  /** How format 2 sent a fleet that cannot judge: as a verdict with this reason. */
  static final String CANNOT_JUDGE_BEFORE = "CANNOT_JUDGE";

  public KillSwitchInput {
    if (verdict != null && CANNOT_JUDGE_BEFORE.equals(verdict.reason())) { // still in the repartition after an upgrade
      cannotJudge = new CannotJudge(verdict.fleetId(), verdict.component(), verdict.version(), verdict.evidence(),
          verdict.decidedAtMs(), false);
      verdict = null;
    }
  }

  public static KillSwitchInput of(Verdict verdict) {
    return new KillSwitchInput(verdict, null, null, null);
  }

  public static KillSwitchInput of(OperatorRequest operator) {
    return new KillSwitchInput(null, operator, null, null);
  }

  public static KillSwitchInput of(PooledEvidence evidence) {
    return new KillSwitchInput(null, null, evidence, null);
  }

  public static KillSwitchInput of(CannotJudge cannotJudge) {
    return new KillSwitchInput(null, null, null, cannotJudge);
  }
}
