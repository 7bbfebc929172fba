package io.crashwatch.loadgen.scenario;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fleet of {@code devices} identical devices that start with {@code components} (component →
 * version) installed and crash in the background at {@code crashRatePerDeviceHour}, whatever version
 * they run.
 */
public record FleetSpec(String id, int devices, double crashRatePerDeviceHour, Map<String, String> components) {

  public FleetSpec {
    components = Collections.unmodifiableMap(new LinkedHashMap<>(components)); // keeps the file's order
  }
}
