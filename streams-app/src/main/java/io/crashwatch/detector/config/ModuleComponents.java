package io.crashwatch.detector.config;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code module-components}: which components a faulting module belongs to, so a crash in it is
 * blamed on those components' versions only, e.g. {@code csagent.sys=sensor|channel-291,
 * netio.sys=network-agent}. Module names are matched without regard to case (Windows file names);
 * a module not listed narrows nothing.
 */
public record ModuleComponents(Map<String, Set<String>> byModule) {
  public static final ModuleComponents NONE = new ModuleComponents(Map.of());

  public ModuleComponents {
    Map<String, Set<String>> copy = new TreeMap<>();
    byModule.forEach((module, components) -> copy.put(module.toLowerCase(Locale.ROOT),
        Collections.unmodifiableSet(new LinkedHashSet<>(components))));
    byModule = Collections.unmodifiableMap(copy);
  }

  /** @throws IllegalArgumentException saying which entry is wrong */
  public static ModuleComponents parse(String text) {
    Map<String, Set<String>> byModule = new TreeMap<>();
    for (String entry : text.split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] parts = entry.split("=", -1);
      if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
        throw new IllegalArgumentException("'" + entry.trim() + "' is not module=component|component...");
      }
      Set<String> components = new LinkedHashSet<>();
      for (String component : parts[1].split("\\|")) {
        if (component.isBlank()) {
          throw new IllegalArgumentException("'" + entry.trim() + "' names an empty component");
        }
        components.add(component.trim());
      }
      String module = parts[0].trim().toLowerCase(Locale.ROOT);
      if (byModule.putIfAbsent(module, components) != null) {
        throw new IllegalArgumentException("module " + module + " is listed twice");
      }
    }
    return new ModuleComponents(byModule);
  }

  /** The components a crash in {@code module} is blamed on; null when the module is unknown or not listed. */
  public Set<String> componentsOf(String module) {
    return module == null ? null : byModule.get(module.toLowerCase(Locale.ROOT));
  }

  /** The setting's text, as {@link #parse} reads it. */
  public String format() {
    StringBuilder text = new StringBuilder();
    byModule.forEach((module, components) -> text.append(text.length() == 0 ? "" : ",").append(module).append('=')
        .append(String.join("|", components)));
    return text.toString();
  }
}
