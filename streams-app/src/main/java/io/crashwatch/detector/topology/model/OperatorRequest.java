package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.OperatorCommand;

/**
 * An operator command as the kill switch needs it, once its signature is verified: travels inside
 * {@link KillSwitchInput}.
 *
 * @param actor  who signed it, as the detector's settings name the key (never what the command claims)
 * @param keyId  the key that signed it: a global RESUME needs several distinct ones
 * @param lifts  a RESUME's HALT: the commandId of the HALT it lifts; null for a FORCE_HALT
 * @param falseHalt a RESUME's finding that the HALT was false ({@code resume --false-halt})
 */
public record OperatorRequest(String commandId, String action, Target target, String actor, String reason,
                              long issuedAtMs, String keyId, String lifts, boolean falseHalt) {

  /** A command that does not call a HALT false. */
  public OperatorRequest(String commandId, String action, Target target, String actor, String reason,
                         long issuedAtMs, String keyId, String lifts) {
    this(commandId, action, target, actor, reason, issuedAtMs, keyId, lifts, false);
  }

  /** @throws IllegalArgumentException when the command's target is malformed */
  public static OperatorRequest from(OperatorCommand command, String keyId, String actor) {
    return new OperatorRequest(command.getCommandId(), command.getAction().name(),
        Target.parse(command.getTarget()), actor, command.getReason(),
        command.getIssuedAt().toEpochMilli(), keyId, command.getLifts(), command.getFalseHalt());
  }
}
