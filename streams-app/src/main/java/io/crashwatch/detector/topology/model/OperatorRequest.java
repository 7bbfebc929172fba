package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;

import io.crashwatch.schemas.OperatorCommand;

/** An operator command as the kill switch needs it: travels inside {@link KillSwitchInput}. */
public record OperatorRequest(String commandId, String action, Target target, String actor, String reason,
                              long issuedAtMs) {

  /** @throws IllegalArgumentException when the command's target is malformed */
  public static OperatorRequest from(OperatorCommand command) {
    return new OperatorRequest(command.getCommandId(), command.getAction().name(),
        Target.parse(command.getTarget()), command.getActor(), command.getReason(),
        command.getIssuedAt().toEpochMilli());
  }
}
