package io.crashwatch.loadgen.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.detector.config.DetectorSettings;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BacktestCommandTest {
  private static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

  @TempDir
  Path work;

  @Test
  void shouldReadAnInstantADayOrATimeAgo() {
    assertThat(BacktestCommand.time("2026-11-30T06:30:00Z", NOW)).isEqualTo(Instant.parse("2026-11-30T06:30:00Z"));
    assertThat(BacktestCommand.time("2026-11-30", NOW)).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
    assertThat(BacktestCommand.time("7d", NOW)).isEqualTo(Instant.parse("2026-11-30T12:00:00Z"));
    assertThatThrownBy(() -> BacktestCommand.time("last week", NOW)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldKeepTheRunApartFromProductionWhateverTheSettingsSay() {
    Map<String, String> live = Map.of("bootstrap.servers", "kafka:9092", "schema.registry.url", "http://registry:8081",
        "application.id", "crashwatch-detector", "kill-switch-signing-key", "/etc/crashwatch/signing.key", "alpha", "0.001");
    Map<String, String> values = Backtest.backtestValues("backtest-1", work, live,
        Map.of("alpha", "0.0001", "application.id", "crashwatch-detector", "mode", "ENFORCE"));

    DetectorSettings settings = DetectorSettings.from(values);
    assertThat(settings.streamsConfig().getProperty("application.id")).isEqualTo("crashwatch-backtest-1");
    assertThat(settings.rules().alpha()).isEqualTo(0.0001);
    assertThat(settings.rules().mode().name()).isEqualTo("SHADOW");
    assertThat(values.get("kill-switch-signing-key")).startsWith(work.toString());
    assertThat(settings.streamsConfig().getProperty("state.dir")).startsWith(work.toString());
  }
}
