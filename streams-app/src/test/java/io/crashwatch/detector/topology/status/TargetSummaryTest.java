package io.crashwatch.detector.topology.status;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The targets list put together from every instance's part: the kill switch's standing over the test's state. */
class TargetSummaryTest {
  private static final TargetSummary TEST_OF_A = new TargetSummary("a/channel-291/r41", "TRIPPED", "t1", 30L, 5L, "control",
      4e6, 2000.0, null, null, "tripped");
  private static final TargetSummary HALT_OF_A = new TargetSummary("a/channel-291/r41", "HALTED", "t2", 29L, 5L, null,
      4e6, 2000.0, null, "h-a", "halted (CRASH_SPIKE)");
  private static final TargetSummary UNDER_TEST_B = new TargetSummary("b/channel-291/r41", "UNDER_TEST", "t0", 180L, 0L,
      "control", 1.0, 2000.0, 11, null, "not yet");
  private static final TargetSummary GLOBAL_HALT = new TargetSummary("*/channel-291/r41", "HALTED", "t3", null, null, "pooled",
      1e7, 2000.0, null, "h-g", "halted (ESCALATION)");
  private static final TargetSummary OTHER = new TargetSummary("c/sensor/7.12", "UNDER_TEST", "t0", 10L, 0L, "control", 1.0,
      2000.0, 20, null, "not yet");

  @Test
  void shouldPutAHaltOfOneInstanceOverTheTestOfAnotherAndListHaltedFirst() {
    List<TargetSummary> merged = TargetSummary.merge(List.of(UNDER_TEST_B, TEST_OF_A, OTHER, HALT_OF_A), 500);

    assertThat(merged).extracting(TargetSummary::target, TargetSummary::state).containsExactly(
        org.assertj.core.groups.Tuple.tuple("a/channel-291/r41", "HALTED"),
        org.assertj.core.groups.Tuple.tuple("b/channel-291/r41", "UNDER_TEST"),
        org.assertj.core.groups.Tuple.tuple("c/sensor/7.12", "UNDER_TEST"));
    assertThat(merged.get(0).haltCommandId()).isEqualTo("h-a");
    assertThat(merged.get(0).devicesOnVersion()).as("the test's figures, from now").isEqualTo(30L);
  }

  @Test
  void shouldMarkEveryFleetTargetOfAVersionHaltedGloballyAndKeepLimits() {
    List<TargetSummary> merged = TargetSummary.merge(List.of(UNDER_TEST_B, GLOBAL_HALT, OTHER, HALT_OF_A), 3);

    assertThat(merged).extracting(TargetSummary::target, TargetSummary::state).containsExactly(
        org.assertj.core.groups.Tuple.tuple("*/channel-291/r41", "HALTED"),
        org.assertj.core.groups.Tuple.tuple("a/channel-291/r41", "HALTED"),
        org.assertj.core.groups.Tuple.tuple("b/channel-291/r41", "HALTED_GLOBALLY"));
    assertThat(merged.get(2).haltCommandId()).isEqualTo("h-g");
    assertThat(merged.get(2).moreFailedDevices()).as("halted: nothing more to trip").isNull();
  }
}
