package io.crashwatch.detector.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What input may look like before the detector stores it (shared/DESIGN.md "Bad input"): every
 * record is checked against these before any repartition, and one that breaks them is a dead letter.
 * They bound the state one device can cost and keep ids usable in targets and keys.
 *
 * @param maxIdLength    characters in a deviceId, fleetId, reportId, rolloutId, commandId or bootId
 * @param maxNameLength  characters in a component name or a version
 * @param maxComponents  components one heartbeat or crash report may name
 * @param maxTextLength  characters in free text: osBuild, faultingModule, agentVersion, actor, reason
 * @param maxClockSkew   how far an event time may lie ahead of its record's timestamp
 * @param maxEventAge    how far an event time may lie behind its record's timestamp: crash reports are
 *                       uploaded after the reboot, sometimes days later, so this is days
 */
public record InputLimits(
    int maxIdLength,
    int maxNameLength,
    int maxComponents,
    int maxTextLength,
    Duration maxClockSkew,
    Duration maxEventAge) {

  static final Setting<Integer> MAX_ID_LENGTH = Setting.atLeast("max-id-length", 1, "characters in an id");
  static final Setting<Integer> MAX_NAME_LENGTH = Setting.atLeast("max-name-length", 1, "characters in a component or version");
  static final Setting<Integer> MAX_COMPONENTS = Setting.atLeast("max-components", 1, "components per record");
  static final Setting<Integer> MAX_TEXT_LENGTH = Setting.atLeast("max-text-length", 1, "characters of free text");
  static final Setting<Duration> MAX_EVENT_AGE = Setting.duration("max-event-age", "oldest event time accepted");

  static final List<Setting<?>> ALL = List.of(MAX_ID_LENGTH, MAX_NAME_LENGTH, MAX_COMPONENTS, MAX_TEXT_LENGTH,
      MAX_EVENT_AGE);

  public static InputLimits defaults() {
    return from(Map.of(), DetectionRules.defaults());
  }

  /** Reads the limits; the clock skew is a detection rule's, so it is read once, there. */
  static InputLimits from(Map<String, String> values, DetectionRules rules) {
    return new InputLimits(
        MAX_ID_LENGTH.read(values, 128),
        MAX_NAME_LENGTH.read(values, 64),
        MAX_COMPONENTS.read(values, 64),
        MAX_TEXT_LENGTH.read(values, 256),
        rules.maxClockSkew(),
        MAX_EVENT_AGE.read(values, Duration.ofDays(7)));
  }
}
