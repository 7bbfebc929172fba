package io.crashwatch.detector.topology.model;

import io.crashwatch.killswitch.Target;

/**
 * One record of the kill-switch topic as the detector reads it back: whose signature it carries and
 * which sequence number, or why it fails verification. Travels inside {@link KillSwitchInput} to the
 * kill switch that owns the target, which re-asserts the target's latest command when the record is
 * not its own latest: after compaction the topic keeps only the last record per target, so a replayed
 * old RESUME, a forged record or a tombstone written after a HALT would otherwise stand in for it.
 *
 * @param sequence the verified sequence number; -1 when it failed verification
 * @param keyId    the key id it is signed with; null when it failed verification
 * @param rejected why it failed verification (reason and detail); null when it passed
 */
public record ReadBack(Target target, long sequence, String keyId, String rejected) {

  public static ReadBack verified(Target target, long sequence, String keyId) {
    return new ReadBack(target, sequence, keyId, null);
  }

  public static ReadBack rejected(Target target, String why) {
    return new ReadBack(target, -1, null, why);
  }
}
