package io.crashwatch.detector.topology.format;

import org.apache.kafka.common.errors.SerializationException;

/**
 * State or an internal record written in a format this detector does not read: a newer detector
 * wrote it (a rollback too far), or one two versions older. Processing it could corrupt state, so
 * the detector stops and says which formats it met and reads.
 */
public final class StateFormatException extends SerializationException {
  public StateFormatException(String message) {
    super(message);
  }

  /** Whether {@code error} or one of its causes is a format this detector cannot read. */
  public static boolean in(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof StateFormatException) {
        return true;
      }
    }
    return false;
  }
}
