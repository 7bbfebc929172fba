package io.crashwatch.detector.topology.rejects;

/**
 * Input that cannot be used: thrown by validation so Kafka Streams' processing exception handler
 * sends the record's original bytes to the dead-letter topic and processing goes on.
 */
public class InvalidRecordException extends RuntimeException {
  private final String reason;

  public InvalidRecordException(String reason, String detail) {
    super(reason + ": " + detail);
    this.reason = reason;
  }

  /** A short stable code, e.g. {@code missing-device-id}, for metrics and dead-letter headers. */
  public String reason() {
    return reason;
  }
}
