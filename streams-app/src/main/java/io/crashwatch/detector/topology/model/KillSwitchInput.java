package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;

/**
 * Input of the kill switch, keyed by {@link VersionKey}: a fleet's verdict, a person's command, or a
 * fleet's new evidence for the pooled global test. Format 2 added the evidence: a reader of format 1
 * would take it for a command, so it refuses format 2 instead.
 */
@StateFormat(2)
public record KillSwitchInput(Verdict verdict, OperatorRequest operator, PooledEvidence evidence) {

  public static KillSwitchInput of(Verdict verdict) {
    return new KillSwitchInput(verdict, null, null);
  }

  public static KillSwitchInput of(OperatorRequest operator) {
    return new KillSwitchInput(null, operator, null);
  }

  public static KillSwitchInput of(PooledEvidence evidence) {
    return new KillSwitchInput(null, null, evidence);
  }
}
