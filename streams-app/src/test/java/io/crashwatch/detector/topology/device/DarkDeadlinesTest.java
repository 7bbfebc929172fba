package io.crashwatch.detector.topology.device;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DarkDeadlinesTest {

  @Test
  void shouldSortKeysByDeadlineWhateverTheDeviceId() {
    String early = DarkDeadlines.key(999, "zz-device");
    String late = DarkDeadlines.key(1_000, "aa-device");

    assertThat(early).isLessThan(late);
    assertThat(DarkDeadlines.key(1_721_361_540_000L, "d")).isEqualTo("001721361540000|d");
  }

  @Test
  void shouldBoundARangeToTheDevicesDueByThen() {
    String due = DarkDeadlines.key(5_000, "device-1");
    String notDue = DarkDeadlines.key(5_001, "device-0");

    assertThat(due).isGreaterThanOrEqualTo(DarkDeadlines.from(0)).isLessThanOrEqualTo(DarkDeadlines.upTo(5_000));
    assertThat(notDue).isGreaterThan(DarkDeadlines.upTo(5_000));
  }
}
