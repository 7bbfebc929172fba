package io.crashwatch.detector.topology.device;

/**
 * Keys of the dark-deadline index: zero-padded deadline then deviceId, so a range scan up to "now"
 * returns exactly the devices that are due, oldest first, and nothing else is read.
 */
final class DarkDeadlines {
  private static final int WIDTH = 15;

  private DarkDeadlines() {
  }

  static String key(long deadlineMs, String deviceId) {
    return from(deadlineMs) + deviceId;
  }

  /** Zero-padded by hand: this runs for every device indexed, and String.format is slow. */
  static String from(long ms) {
    String digits = Long.toString(ms);
    return "0".repeat(Math.max(0, WIDTH - digits.length())) + digits + "|";
  }

  /** Inclusive upper bound covering every device id with a deadline at or before {@code ms}. */
  static String upTo(long ms) {
    return from(ms) + Character.MAX_VALUE;
  }
}
