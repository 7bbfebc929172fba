package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.format.StateFormat;

import io.crashwatch.detector.topology.decision.Verdict;

/**
 * Input of the kill switch, keyed {@code component/version}: a fleet's verdict or a person's command.
 * Keying by component/version puts a version's fleet targets and its global target in one place,
 * so escalation and precedence need no further hop.
 */
@StateFormat(1)
public record KillSwitchInput(Verdict verdict, OperatorRequest operator) {

  /** An operator command as the kill switch needs it. */
  public record OperatorRequest(String commandId, String action, Target target, String actor, String reason,
                 long issuedAtMs) {

    /** @throws IllegalArgumentException when the command's target is malformed */
    public static OperatorRequest from(io.crashwatch.schemas.OperatorCommand command) {
      return new OperatorRequest(command.getCommandId(), command.getAction().name(),
          Target.parse(command.getTarget()), command.getActor(), command.getReason(),
          command.getIssuedAt().toEpochMilli());
    }
  }

  public static KillSwitchInput of(Verdict verdict) {
    return new KillSwitchInput(verdict, null);
  }

  public static KillSwitchInput of(OperatorRequest operator) {
    return new KillSwitchInput(null, operator);
  }
}
