package io.crashwatch.loadgen.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.AlertKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  private static final Instant T = Instant.parse("2026-11-30T10:00:00Z");

  private static Decision halt(String target, long atSeconds) {
    return new Decision("id-" + target + atSeconds, AlertKind.ROLLOUT_HALTED, target, T.plusSeconds(atSeconds), "halted", null);
  }

  @Test
  void shouldPairEachTargetsHaltsInTimeOrderAndKeepTheRestApart() {
    BacktestReport.Comparison c = BacktestReport.Comparison.of(
        List.of(halt("a/c/v", 12), halt("b/c/v", 5), halt("a/c/v", 100)),
        List.of(halt("a/c/v", 10), halt("d/c/v", 7)));

    assertThat(c.same()).singleElement().satisfies(m -> {
      assertThat(m.target()).isEqualTo("a/c/v");
      assertThat(m.live()).isEqualTo(T.plusSeconds(10));
      assertThat(m.backtestLaterMs()).isEqualTo(2_000);
    });
    // The second HALT of a/c/v (halted again after a RESUME) has no live counterpart.
    assertThat(c.onlyBacktest()).extracting(Decision::target, Decision::at)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a/c/v", T.plusSeconds(100)),
            org.assertj.core.groups.Tuple.tuple("b/c/v", T.plusSeconds(5)));
    assertThat(c.onlyLive()).extracting(Decision::target).containsExactly("d/c/v");
  }

  @Test
  void shouldNotPairDifferentKindsOfTheSameTarget() {
    Decision incident = new Decision("incident/f", AlertKind.FLEET_INCIDENT, null, T, "dark", null);
    BacktestReport.Comparison c = BacktestReport.Comparison.of(List.of(halt("f/c/v", 0)), List.of(incident));
    assertThat(c.same()).isEmpty();
    assertThat(c.onlyBacktest()).hasSize(1);
    assertThat(c.onlyLive()).containsExactly(incident);
  }

  @Test
  void shouldPairAlertsWithoutATargetByTheirId() {
    Decision live = new Decision("incident/north", AlertKind.FLEET_INCIDENT, null, T, "dark", null);
    Decision other = new Decision("incident/south", AlertKind.FLEET_INCIDENT, null, T, "dark", null);
    BacktestReport.Comparison c = BacktestReport.Comparison.of(List.of(live, other), List.of(live));
    assertThat(c.same()).hasSize(1);
    assertThat(c.onlyBacktest()).containsExactly(other);
  }
}
