package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;

/**
 * Input of the kill switch, keyed by {@link VersionKey}: a fleet's verdict, a person's command, a
 * fleet's new evidence for the pooled global test, a fleet that cannot judge the version, or a record
 * of the kill-switch topic read back. Format 2 added the evidence, format 3 the fleets that cannot
 * judge, format 4 the read-back: a reader of an older format would take any of them for a command,
 * so it refuses the newer format instead.
 */
@StateFormat(4)
public record KillSwitchInput(Verdict verdict, OperatorRequest operator, PooledEvidence evidence, CannotJudge cannotJudge,
                              ReadBack readBack) {
  public static KillSwitchInput of(Verdict verdict) {
    return new KillSwitchInput(verdict, null, null, null, null);
  }

  public static KillSwitchInput of(OperatorRequest operator) {
    return new KillSwitchInput(null, operator, null, null, null);
  }

  public static KillSwitchInput of(PooledEvidence evidence) {
    return new KillSwitchInput(null, null, evidence, null, null);
  }

  public static KillSwitchInput of(CannotJudge cannotJudge) {
    return new KillSwitchInput(null, null, null, cannotJudge, null);
  }

  public static KillSwitchInput of(ReadBack readBack) {
    return new KillSwitchInput(null, null, null, null, readBack);
  }
}
