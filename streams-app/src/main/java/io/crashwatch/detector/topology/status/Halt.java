package io.crashwatch.detector.topology.status;

/**
 * A target's standing on the kill switch.
 *
 * @param haltedAt      when the standing HALT was decided (the detector's wall clock; ISO-8601)
 * @param resumeCommand the command that lifts it, as a person pastes it (their key and reason to fill in)
 * @param resumes       RESUMEs the target has had
 * @param approvals     for a global HALT: distinct operator keys a RESUME needs
 */
public record Halt(String target, boolean halted, String commandId, String reason, String haltedAt, boolean shadow,
                   String actor, String note, EvidenceView evidence, String resumeCommand, int resumes, Integer approvals) {
}
