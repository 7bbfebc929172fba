package io.crashwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsSourceTest {

  @Test
  void shouldMapKafkaAndCrashwatchEnvironmentVariablesOntoKeys() {
    Map<String, String> values = SettingsSource.fromEnvironment(Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
        "KAFKA_SCHEMA_REGISTRY_URL", "http://registry:8081",
        "CRASHWATCH_DARK_AFTER", "5m",
        "CRASHWATCH_KILL_SWITCH_TOPIC", "ops.kill",
        "KAFKA_HEAP_OPTS", "-Xmx1g",
        "PATH", "/usr/bin"));

    assertThat(values).containsExactlyInAnyOrderEntriesOf(Map.of(
        "bootstrap.servers", "broker:9092",
        "schema.registry.url", "http://registry:8081",
        "dark-after", "5m",
        "kill-switch-topic", "ops.kill"));
  }

  @Test
  void shouldLetTheEnvironmentWinOverTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("detector.properties");
    Files.writeString(file, "bootstrap.servers=file:9092\nmin-devices=7\ndark-after = 4m\n");

    Map<String, String> values = SettingsSource.load(file, Map.of("CRASHWATCH_MIN_DEVICES", "9"));

    assertThat(values).containsEntry("bootstrap.servers", "file:9092")
        .containsEntry("min-devices", "9")
        .containsEntry("dark-after", "4m");
  }

  @Test
  void shouldNameTheEnvironmentVariableOfAKey() {
    assertThat(SettingsSource.environmentName("schema.registry.url")).isEqualTo("KAFKA_SCHEMA_REGISTRY_URL");
    assertThat(SettingsSource.environmentName("dark-after")).isEqualTo("CRASHWATCH_DARK_AFTER");
  }
}
