package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;

/** Input of the kill switch, keyed by {@link VersionKey}: a fleet's verdict or a person's command. */
@StateFormat(1)
public record KillSwitchInput(Verdict verdict, OperatorRequest operator) {

  public static KillSwitchInput of(Verdict verdict) {
    return new KillSwitchInput(verdict, null);
  }

  public static KillSwitchInput of(OperatorRequest operator) {
    return new KillSwitchInput(null, operator);
  }
}
