package io.crashwatch.detector.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The thresholds of the detection rules (shared/DESIGN.md "Detection"), validated together.
 *
 * @param heartbeatInterval how often agents send a PERIODIC heartbeat
 * @param darkAfter         silence after which a device counts as dark (wall clock)
 * @param darkWindow        on the baseline path, dark is evidence against a version only when the device
 *                          fell silent within this long of applying it or booting on it
 * @param minDevices        distinct failed devices a version needs before it can trip
 * @param toleratedRatio    how many times its control's failure rate a version may show
 * @param alpha             false-halt probability the sequential test allows (it rejects at 1/alpha)
 * @param escalateFleets    fleets a version must trip in to be halted globally
 * @param minFleetDevices   devices a fleet needs for its trip to count towards a global halt
 * @param minFleetAge       how long the detector must have seen a fleet for its trip to count towards a global halt
 * @param fleets            when not empty, only these fleets' trips count towards a global halt
 * @param shadowFleets      fleets observed, not protected: their HALTs carry shadow=true and their trips never
 *                          count towards a global halt
 * @param inputSilence      silence of every owned heartbeat partition that means a telemetry outage
 * @param maxClockSkew      how far in the future an event time may lie before the record is rejected
 * @param baselineWindow    the fleet's past a rollout without a large enough control is compared with
 * @param bakeTime          how long a version's test runs at least: after it, and once its rollout completed,
 *                          the version is established
 * @param completeFraction  the share of the fleet's devices on a version that completes its rollout
 * @param attributionWindow a crash or unclean reboot is evidence against the versions the device switched
 *                          to within this long before it (short: which versions a failure is blamed on)
 * @param moduleComponents  which components a faulting module belongs to: a crash in it is blamed on those only
 * @param deviceTtl         silence after which a device leaves device state and the fleet's counts
 * @param leaseDuration     how long a partition's kill-switch lease stays valid after its task last said it
 *                          is caught up: a rollout pauses this long after the detector stops seeing a partition
 * @param mode              ENFORCE or SHADOW
 */
public record DetectionRules(
    Duration heartbeatInterval,
    Duration darkAfter,
    Duration darkWindow,
    int minDevices,
    double toleratedRatio,
    double alpha,
    int escalateFleets,
    int minFleetDevices,
    Duration minFleetAge,
    java.util.Set<String> fleets,
    java.util.Set<String> shadowFleets,
    Duration inputSilence,
    Duration maxClockSkew,
    Duration baselineWindow,
    Duration bakeTime,
    double completeFraction,
    Duration attributionWindow,
    ModuleComponents moduleComponents,
    Duration deviceTtl,
    Duration leaseDuration,
    Mode mode) {

  public static final String HEARTBEAT_INTERVAL = "heartbeat-interval";
  public static final String DARK_AFTER = "dark-after";
  public static final String DARK_WINDOW = "dark-window";
  public static final String MIN_DEVICES = "min-devices";
  public static final String TOLERATED_RATIO = "tolerated-ratio";
  public static final String ALPHA = "alpha";
  public static final String ESCALATE_FLEETS = "escalate-fleets";
  public static final String MIN_FLEET_DEVICES = "min-fleet-devices";
  public static final String MIN_FLEET_AGE = "min-fleet-age";
  public static final String FLEETS = "fleets";
  public static final String SHADOW_FLEETS = "shadow-fleets";
  public static final String INPUT_SILENCE = "input-silence";
  public static final String MAX_CLOCK_SKEW = "max-clock-skew";
  public static final String BASELINE_WINDOW = "baseline-window";
  public static final String BAKE_TIME = "bake-time";
  public static final String COMPLETE_FRACTION = "complete-fraction";
  public static final String ATTRIBUTION_WINDOW = "attribution-window";
  public static final String MODULE_COMPONENTS = "module-components";
  public static final String DEVICE_TTL = "device-ttl";
  public static final String LEASE_DURATION = "lease-duration";
  public static final String MODE = "mode";

  static final Setting<Duration> HEARTBEAT_INTERVAL_SETTING = Setting.duration(HEARTBEAT_INTERVAL, "agents' heartbeat period");
  static final Setting<Duration> DARK_AFTER_SETTING = Setting.duration(DARK_AFTER, "silence that makes a device dark");
  static final Setting<Duration> DARK_WINDOW_SETTING = Setting.duration(DARK_WINDOW,
      "how soon after applying a version or booting on it silence is evidence against it without a control");
  static final Setting<Integer> MIN_DEVICES_SETTING = Setting.atLeast(MIN_DEVICES, 1, "failed devices needed to trip");
  static final Setting<Double> TOLERATED_RATIO_SETTING = Setting.atLeast(TOLERATED_RATIO, 1.0, "tolerated failure-rate ratio");
  static final Setting<Double> ALPHA_SETTING = Setting.between(ALPHA, 0.0, 1.0, "false-halt probability");
  static final Setting<Integer> ESCALATE_FLEETS_SETTING = Setting.atLeast(ESCALATE_FLEETS, 1, "fleets that escalate to a global halt");
  static final Setting<Integer> MIN_FLEET_DEVICES_SETTING = Setting.atLeast(MIN_FLEET_DEVICES, 1,
      "devices a fleet needs for its trip to count towards a global halt");
  static final Setting<Duration> MIN_FLEET_AGE_SETTING = Setting.durationOrZero(MIN_FLEET_AGE,
      "how long a fleet must have been seen for its trip to count towards a global halt; 0s: no minimum");
  static final Setting<java.util.Set<String>> FLEETS_SETTING = new Setting<>(FLEETS, DetectionRules::fleetIds,
      "fleet ids, comma-separated: only their trips count towards a global halt");
  static final Setting<java.util.Set<String>> SHADOW_FLEETS_SETTING = new Setting<>(SHADOW_FLEETS, DetectionRules::fleetIds,
      "fleet ids, comma-separated: observed, not protected (their HALTs are shadow ones, their trips never count towards a global halt)");
  static final Setting<Duration> INPUT_SILENCE_SETTING = Setting.duration(INPUT_SILENCE, "input silence that means an outage");
  static final Setting<Duration> MAX_CLOCK_SKEW_SETTING = Setting.duration(MAX_CLOCK_SKEW, "tolerated future event time");
  static final Setting<Duration> BASELINE_WINDOW_SETTING = Setting.duration(BASELINE_WINDOW, "history a rollout without a control is compared with");
  static final Setting<Duration> BAKE_TIME_SETTING = Setting.duration(BAKE_TIME, "how long a version's test runs at least");
  static final Setting<Double> COMPLETE_FRACTION_SETTING = Setting.fraction(COMPLETE_FRACTION,
      "share of the fleet on a version that completes its rollout");
  static final Setting<Duration> ATTRIBUTION_WINDOW_SETTING = Setting.duration(ATTRIBUTION_WINDOW,
      "how soon after a switch a crash is blamed on the version switched to");
  static final Setting<ModuleComponents> MODULE_COMPONENTS_SETTING = new Setting<>(MODULE_COMPONENTS,
      ModuleComponents::parse, "module=component|component,... : the components a faulting module belongs to");
  static final Setting<Duration> DEVICE_TTL_SETTING = Setting.duration(DEVICE_TTL,
      "silence after which a device is forgotten");
  static final Setting<Duration> LEASE_DURATION_SETTING = Setting.duration(LEASE_DURATION,
      "how long a kill-switch lease stays valid after the partition's task last said it is caught up");
  static final Setting<Mode> MODE_SETTING = Setting.oneOf(MODE, Mode.class, "ENFORCE or SHADOW");

  static final java.util.List<Setting<?>> ALL = java.util.List.of(HEARTBEAT_INTERVAL_SETTING, DARK_AFTER_SETTING, DARK_WINDOW_SETTING,
      MIN_DEVICES_SETTING, TOLERATED_RATIO_SETTING, ALPHA_SETTING, ESCALATE_FLEETS_SETTING, MIN_FLEET_DEVICES_SETTING,
      MIN_FLEET_AGE_SETTING, FLEETS_SETTING, SHADOW_FLEETS_SETTING, INPUT_SILENCE_SETTING,
      MAX_CLOCK_SKEW_SETTING, BASELINE_WINDOW_SETTING, BAKE_TIME_SETTING, COMPLETE_FRACTION_SETTING, ATTRIBUTION_WINDOW_SETTING,
      MODULE_COMPONENTS_SETTING, DEVICE_TTL_SETTING, LEASE_DURATION_SETTING, MODE_SETTING);

  public static DetectionRules defaults() {
    return from(Map.of());
  }

  /** Reads the rules from crashwatch settings; unset keys take the contract's defaults. */
  public static DetectionRules from(Map<String, String> values) {
    Duration interval = HEARTBEAT_INTERVAL_SETTING.read(values, Duration.ofSeconds(60));
    Duration darkAfter = DARK_AFTER_SETTING.read(values, interval.multipliedBy(3));
    Duration inputSilence = INPUT_SILENCE_SETTING.read(values, interval.multipliedBy(2));
    Duration darkWindow = DARK_WINDOW_SETTING.read(values, interval.multipliedBy(10));
    if (darkWindow.compareTo(interval) < 0) {
      throw new org.apache.kafka.common.config.ConfigException(DARK_WINDOW, Durations.format(darkWindow),
          "must be at least " + HEARTBEAT_INTERVAL + " (" + Durations.format(interval) + ")");
    }
    if (darkAfter.compareTo(interval) <= 0) {
      throw new org.apache.kafka.common.config.ConfigException(DARK_AFTER, Durations.format(darkAfter),
          "must be longer than " + HEARTBEAT_INTERVAL + " (" + Durations.format(interval)
              + "), or every device would go dark between two heartbeats");
    }
    if (inputSilence.compareTo(interval) < 0) {
      throw new org.apache.kafka.common.config.ConfigException(INPUT_SILENCE, Durations.format(inputSilence),
          "must be at least " + HEARTBEAT_INTERVAL + " (" + Durations.format(interval) + ")");
    }
    Duration deviceTtl = DEVICE_TTL_SETTING.read(values, Duration.ofDays(30));
    if (deviceTtl.compareTo(darkAfter) <= 0) {
      throw new org.apache.kafka.common.config.ConfigException(DEVICE_TTL, Durations.format(deviceTtl),
          "must be longer than " + DARK_AFTER + " (" + Durations.format(darkAfter) + ")");
    }
    // Each task reports at least once a heartbeat interval (a scan late): a lease must outlast two reports.
    Duration leaseDuration = LEASE_DURATION_SETTING.read(values, interval.multipliedBy(3));
    if (leaseDuration.compareTo(interval.multipliedBy(2)) < 0) {
      throw new org.apache.kafka.common.config.ConfigException(LEASE_DURATION, Durations.format(leaseDuration),
          "must be at least twice " + HEARTBEAT_INTERVAL + " (" + Durations.format(interval)
              + "): each partition's liveness is renewed once a heartbeat interval");
    }
    return new DetectionRules(interval, darkAfter, darkWindow,
        MIN_DEVICES_SETTING.read(values, 5),
        TOLERATED_RATIO_SETTING.read(values, 2.0),
        ALPHA_SETTING.read(values, 0.001),
        ESCALATE_FLEETS_SETTING.read(values, 2),
        MIN_FLEET_DEVICES_SETTING.read(values, 100),
        MIN_FLEET_AGE_SETTING.read(values, Duration.ofDays(1)),
        FLEETS_SETTING.read(values, java.util.Set.of()),
        SHADOW_FLEETS_SETTING.read(values, java.util.Set.of()),
        inputSilence,
        MAX_CLOCK_SKEW_SETTING.read(values, Duration.ofMinutes(5)),
        BASELINE_WINDOW_SETTING.read(values, Duration.ofDays(7)),
        BAKE_TIME_SETTING.read(values, Duration.ofHours(24)),
        COMPLETE_FRACTION_SETTING.read(values, 0.95),
        ATTRIBUTION_WINDOW_SETTING.read(values, Duration.ofHours(1)),
        MODULE_COMPONENTS_SETTING.read(values, ModuleComponents.NONE),
        deviceTtl,
        leaseDuration,
        MODE_SETTING.read(values, Mode.ENFORCE));
  }

  private static java.util.Set<String> fleetIds(String text) {
    return java.util.Set.copyOf(java.util.Arrays.stream(text.split(",")).map(String::trim).filter(f -> !f.isEmpty()).toList());
  }

  /** The rules as settings text, for the evidence of every decision. */
  public Map<String, String> asSettings() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(HEARTBEAT_INTERVAL, Durations.format(heartbeatInterval));
    m.put(DARK_AFTER, Durations.format(darkAfter));
    m.put(DARK_WINDOW, Durations.format(darkWindow));
    m.put(MIN_DEVICES, Integer.toString(minDevices));
    m.put(TOLERATED_RATIO, Double.toString(toleratedRatio));
    m.put(ALPHA, Double.toString(alpha));
    m.put(ESCALATE_FLEETS, Integer.toString(escalateFleets));
    m.put(MIN_FLEET_DEVICES, Integer.toString(minFleetDevices));
    m.put(MIN_FLEET_AGE, Durations.format(minFleetAge));
    m.put(FLEETS, String.join(",", new java.util.TreeSet<>(fleets)));
    m.put(SHADOW_FLEETS, String.join(",", new java.util.TreeSet<>(shadowFleets)));
    m.put(INPUT_SILENCE, Durations.format(inputSilence));
    m.put(MAX_CLOCK_SKEW, Durations.format(maxClockSkew));
    m.put(BASELINE_WINDOW, Durations.format(baselineWindow));
    m.put(BAKE_TIME, Durations.format(bakeTime));
    m.put(COMPLETE_FRACTION, Double.toString(completeFraction));
    m.put(ATTRIBUTION_WINDOW, Durations.format(attributionWindow));
    m.put(MODULE_COMPONENTS, moduleComponents.format());
    m.put(DEVICE_TTL, Durations.format(deviceTtl));
    m.put(LEASE_DURATION, Durations.format(leaseDuration));
    m.put(MODE, mode.name());
    return m;
  }
}
