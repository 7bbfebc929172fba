package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.InputLimits;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import java.time.Instant;
import java.util.Map;

/**
 * The checks every input field passes before the detector stores it, against the configured
 * {@link InputLimits}. Each failure throws {@link InvalidRecordException} with a stable reason (for
 * the metric and the dead-letter header) and a message naming the field.
 *
 * <p>Three kinds of strings: <em>identifiers</em> that make up targets and keys (deviceId, fleetId,
 * components, versions) may not hold {@code /} or be {@code *}, so {@code fleet/component/version}
 * parses back; other <em>ids</em> (reportId, bootId, …) and <em>text</em> only need a bounded length.
 * None may hold control characters: they end up in alert text, logs and terminals.
 */
final class FieldChecks {
  private final InputLimits limits;

  FieldChecks(InputLimits limits) {
    this.limits = limits;
  }

  /** deviceId, fleetId: required, no {@code /}, not {@code *}. */
  void identifier(String field, String value) {
    checkIdentifier(field, value, limits.maxIdLength(), "max-id-length");
  }

  /** A component name or a version: required, no {@code /}, not {@code *}. */
  void name(String field, String value) {
    checkIdentifier(field, value, limits.maxNameLength(), "max-name-length");
  }

  /** reportId, bootId, rolloutId, commandId: required, bounded. */
  void id(String field, String value) {
    required(field, value);
    bounded(field, value, limits.maxIdLength(), "max-id-length");
  }

  /** Free text, which may be absent. */
  void text(String field, String value) {
    if (value != null) {
      bounded(field, value, limits.maxTextLength(), "max-text-length");
    }
  }

  /** A component → version map: bounded in size, every name and version an identifier. */
  void components(String field, Map<String, String> components) {
    if (components == null) {
      return;
    }
    if (components.size() > limits.maxComponents()) {
      throw new InvalidRecordException("too-many-components", field + " names " + components.size()
          + " components; at most " + limits.maxComponents() + " (max-components)");
    }
    components.forEach((component, version) -> {
      name(field + " key", component);
      name(field + "[" + component + "]", version);
    });
  }

  /**
   * An event time against its record's timestamp: at most {@code max-clock-skew} ahead (and ahead of
   * the wall clock, so a forged record timestamp cannot carry it), at most {@code max-event-age} behind
   * (behind the record, not the wall clock, so a detector replaying a backlog still accepts it).
   */
  void eventTime(String field, Instant eventTime, long recordTimestampMs, long wallClockMs) {
    if (eventTime == null) {
      throw new InvalidRecordException("missing-" + kebab(field), field + " is missing");
    }
    long eventMs = eventTime.toEpochMilli();
    long reference = Math.min(recordTimestampMs, wallClockMs);
    if (eventMs > reference + limits.maxClockSkew().toMillis()) {
      throw new InvalidRecordException("future-timestamp", field + " " + eventTime + " is more than "
          + limits.maxClockSkew() + " (max-clock-skew) ahead of " + Instant.ofEpochMilli(reference));
    }
    if (eventMs < recordTimestampMs - limits.maxEventAge().toMillis()) {
      throw new InvalidRecordException("too-old", field + " " + eventTime + " is more than "
          + limits.maxEventAge() + " (max-event-age) older than its record's timestamp "
          + Instant.ofEpochMilli(recordTimestampMs));
    }
  }

  private static void checkIdentifier(String field, String value, int maxLength, String setting) {
    required(field, value);
    bounded(field, value, maxLength, setting);
    if (value.indexOf('/') >= 0 || value.equals("*")) {
      throw new InvalidRecordException("invalid-characters", field + " '" + value + "' may not contain '/' or be '*'");
    }
  }

  private static void required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidRecordException("missing-" + kebab(field), field + " is empty");
    }
  }

  private static void bounded(String field, String value, int maxLength, String setting) {
    if (value.length() > maxLength) {
      throw new InvalidRecordException("too-long", field + " is " + value.length() + " characters long; at most "
          + maxLength + " (" + setting + ")");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || Character.isSurrogate(c) && !validPair(value, i)) {
        throw new InvalidRecordException("invalid-characters", field + " holds a control character or a broken"
            + " surrogate at index " + i);
      }
      if (Character.isHighSurrogate(c)) {
        i++; // the pair was checked whole
      }
    }
  }

  private static boolean validPair(String value, int i) {
    return Character.isHighSurrogate(value.charAt(i)) && i + 1 < value.length()
        && Character.isLowSurrogate(value.charAt(i + 1));
  }

  /** {@code deviceId} → {@code device-id}: the reason codes' spelling. */
  private static String kebab(String field) {
    return field.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
  }
}
