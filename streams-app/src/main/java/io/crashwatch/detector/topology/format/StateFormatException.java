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
}
