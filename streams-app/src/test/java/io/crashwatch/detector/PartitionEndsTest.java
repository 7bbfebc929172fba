package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Caught up means the task has processed everything its heartbeat partition held at some moment within
 * the last heartbeat interval: the partition's end, sampled from the broker, against the offset after the
 * last heartbeat the task processed. Nothing the consumer reports about its own fetches counts, and no
 * device clock.
 */
class PartitionEndsTest {
  private static final long NOW = 1_721_367_000_000L;
  private static final long INTERVAL = 2_000;

  private final PartitionEnds ends = new PartitionEnds(Duration.ofMillis(INTERVAL));

  @Test
  void shouldCallAPartitionCaughtUpOnceItsTaskProcessedWhatItHeldWithinAHeartbeatInterval() {
    ends.observe(0, 100, NOW);

    assertThat(ends.caughtUp(0, 100, NOW + 100)).isTrue();
    assertThat(ends.caughtUp(0, 99, NOW + 100)).as("one record waits").isFalse();
    assertThat(ends.caughtUp(0, 100, NOW + INTERVAL + 1)).as("no end sampled within an interval: unknown").isFalse();
    assertThat(ends.caughtUp(1, 100, NOW + 100)).as("a partition never sampled").isFalse();
    assertThat(ends.caughtUp(0, -1, NOW + 100)).as("a task that processed no heartbeat yet").isFalse();
  }

  /** Under load the task trails the end by a few records, but reaches where the end was a moment ago. */
  @Test
  void shouldStayCaughtUpWhileTheTaskKeepsReachingARecentEnd() {
    ends.observe(0, 1_000, NOW);
    for (long t = 200; t <= 5 * INTERVAL; t += 200) {
      ends.observe(0, 1_000 + t, NOW + t); // a record a millisecond
      long next = 1_000 + t - 150; // 150 ms behind the end, always: past where it was at the sample before
      assertThat(ends.caughtUp(0, next, NOW + t)).as("at %d ms", t).isTrue();
    }
  }

  /**
   * The case a consumer's records-lag gauge got wrong: a task that stops processing its partition (its
   * thread busy elsewhere, the partition paused or unfetched) while records keep arriving. The gauge kept
   * the 0 of its last fetch; the ends say the task is behind once a heartbeat interval has passed.
   */
  @Test
  void shouldNotCallAPartitionCaughtUpWhileRecordsWaitAndTheTaskStandsStill() {
    for (long t = 0; t <= 3 * INTERVAL; t += 200) {
      ends.observe(0, 1_000 + t, NOW + t);
    }

    assertThat(ends.caughtUp(0, 1_000, NOW + 3 * INTERVAL)).isFalse();
  }
}
