package io.crashwatch.detector.config;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Merges a properties file with environment overrides, the way Kubernetes deployments configure
 * apps: {@code KAFKA_BOOTSTRAP_SERVERS} → {@code bootstrap.servers},
 * {@code KAFKA_SCHEMA_REGISTRY_URL} → {@code schema.registry.url},
 * {@code CRASHWATCH_DARK_AFTER} → {@code dark-after}. The environment wins over the file.
 */
public final class SettingsSource {
  static final String KAFKA_PREFIX = "KAFKA_";
  static final String CRASHWATCH_PREFIX = "CRASHWATCH_";
  /** Variables of Kafka's scripts and of the launcher and logging, not settings. */
  private static final java.util.Set<String> NOT_SETTINGS = java.util.Set.of("KAFKA_HOME", "KAFKA_OPTS",
      "KAFKA_HEAP_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_JMX_OPTS", "KAFKA_DEBUG",
      "KAFKA_GC_LOG_OPTS", "KAFKA_LOG_DIR", "CRASHWATCH_JAVA_OPTS", "CRASHWATCH_LOG_LEVEL",
      "CRASHWATCH_KAFKA_LOG_LEVEL");

  private SettingsSource() {
  }

  public static Map<String, String> load(Path file, Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    if (file != null) {
      values.putAll(readFile(file));
    }
    values.putAll(fromEnvironment(environment));
    return values;
  }

  static Map<String, String> fromEnvironment(Map<String, String> environment) {
    Map<String, String> values = new HashMap<>();
    environment.forEach((name, value) -> {
      if (NOT_SETTINGS.contains(name)) {
        return;
      }
      if (name.startsWith(KAFKA_PREFIX) && name.length() > KAFKA_PREFIX.length()) {
        values.put(name.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
      } else if (name.startsWith(CRASHWATCH_PREFIX) && name.length() > CRASHWATCH_PREFIX.length()) {
        values.put(name.substring(CRASHWATCH_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '-'), value);
      }
    });
    return values;
  }

  /** The environment variable that sets {@code key}, for error messages. */
  static String environmentName(String key) {
    return !DetectorSettings.isCrashwatchKey(key)
        ? KAFKA_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT)
        : CRASHWATCH_PREFIX + key.replace('-', '_').toUpperCase(Locale.ROOT);
  }

  private static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read settings file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new HashMap<>();
    p.stringPropertyNames().forEach(k -> values.put(k.trim(), p.getProperty(k).trim()));
    return values;
  }
}
