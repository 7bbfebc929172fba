package io.crashwatch.loadgen.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fleet of {@code devices} devices that start with {@code components} (component → version)
 * installed and crash in the background at {@code crashRatePerDeviceHour}, whatever version they run.
 * Devices differ: a {@code flakyFraction} of them crash {@code flakyMultiplier} times as often,
 * always; an {@code offlineFraction} is offline for the whole run (never heard from, never installs);
 * some sleep on a schedule ({@code sleep}, null: none do) and some clocks are wrong ({@code clockSkew},
 * null: none are).
 */
public record FleetSpec(String id, int devices, double crashRatePerDeviceHour, Map<String, String> components,
                        double flakyFraction, double flakyMultiplier, double offlineFraction, SleepSpec sleep,
                        ClockSkewSpec clockSkew) {

  public FleetSpec {
    components = Collections.unmodifiableMap(new LinkedHashMap<>(components)); // keeps the file's order
  }

  /** A fleet of like devices, all online, awake and on time. */
  public FleetSpec(String id, int devices, double crashRatePerDeviceHour, Map<String, String> components) {
    this(id, devices, crashRatePerDeviceHour, components, 0, 1, 0, null, null);
  }
}
