package io.crashwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void shouldParseTheUnitsPeopleWrite() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("20s")).isEqualTo(Duration.ofSeconds(20));
    assertThat(Durations.parse(" 5m ")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(Durations.parse("1d")).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void shouldRejectAmbiguousText() {
    for (String bad : new String[] {"5", "5 min", "-5s", "1.5s", "", "PT5S"}) {
      assertThatThrownBy(() -> Durations.parse(bad)).hasMessageContaining("expected a duration like 500ms");
    }
  }

  @Test
  void shouldFormatTheShortestExactForm() {
    assertThat(Durations.format(Duration.ofSeconds(180))).isEqualTo("3m");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
  }
}
