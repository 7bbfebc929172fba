package io.crashwatch.killswitch;

/** A kill-switch record a rollout service must not act on, and why. */
public final class RejectedRecord extends Exception {
  public enum Reason {
    /** No signature, key id or sequence header. */
    UNSIGNED,
    /** Signed by a key that is not trusted. */
    UNKNOWN_KEY,
    /** The signature does not match the bytes: forged, or altered on the way. */
    FORGED,
    /** Signed, but not newer than what the target already has: an old command written again. */
    REPLAYED,
    /** A deletion: a halt is never lifted by removing it. */
    TOMBSTONE,
    /** No key, a value that is not in the wire format or does not decode. */
    MALFORMED
  }

  private final Reason reason;

  public RejectedRecord(Reason reason, String message) {
    super(reason + ": " + message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
