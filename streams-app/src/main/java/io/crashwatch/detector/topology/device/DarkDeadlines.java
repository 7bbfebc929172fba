package io.crashwatch.detector.topology.device;

/**
 * Keys of the dark-deadline index: zero-padded deadline then deviceId, so a range scan up to "now"
 * returns exactly the devices that are due, oldest first, and nothing else is read.
 */
final class DarkDeadlines {
  private static final String FORMAT = "%015d|";

  private DarkDeadlines() {
  }

  static String key(long deadlineMs, String deviceId) {
    return String.format(FORMAT, deadlineMs) + deviceId;
  }

  static String from(long ms) {
    return String.format(FORMAT, ms);
  }

  /** Inclusive upper bound covering every device id with a deadline at or before {@code ms}. */
  static String upTo(long ms) {
    return String.format(FORMAT, ms) + Character.MAX_VALUE;
  }
}
