package io.crashwatch.detector.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the detector keeps for analysts, beyond what its decisions need.
 *
 * @param retention how long the analysts' stores keep what they hold: a lifted HALT, a past window
 */
public record Analytics(Duration retention) {
  static final Setting<Duration> RETENTION = Setting.duration("analytics-retention",
      "how long the analysts' stores keep lifted halts and past crash-rate windows");

  static final List<Setting<?>> ALL = List.of(RETENTION);

  static Analytics from(Map<String, String> values) {
    return new Analytics(RETENTION.read(values, Duration.ofDays(7)));
  }
}
