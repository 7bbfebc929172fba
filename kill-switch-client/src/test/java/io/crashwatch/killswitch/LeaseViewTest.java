package io.crashwatch.killswitch;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.KillSwitchLease;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class LeaseViewTest {
  private static final long T = 1_721_361_600_000L;
  private final LeaseView view = new LeaseView(500);

  static KillSwitchLease lease(int partition, int partitions, boolean caughtUp, long issuedAt, long validUntil) {
    return KillSwitchLease.newBuilder().setPartition(partition).setPartitions(partitions).setCaughtUp(caughtUp)
        .setIssuedAt(Instant.ofEpochMilli(issuedAt)).setValidUntil(Instant.ofEpochMilli(validUntil)).build();
  }

  @Test
  void shouldBeFreshOnlyWhileEveryPartitionHasAValidCaughtUpLease() {
    assertThat(view.fresh(T)).as("no lease yet").isFalse();
    view.apply(lease(0, 2, true, T, T + 6_000));
    assertThat(view.fresh(T)).as("partition 1 has none").isFalse();
    view.apply(lease(1, 2, true, T, T + 6_000));

    assertThat(view.fresh(T + 6_000)).isTrue();
    assertThat(view.fresh(T + 6_500)).as("within the clock tolerance").isTrue();
    assertThat(view.fresh(T + 6_501)).as("stale: the detector stopped renewing").isFalse();
  }

  @Test
  void shouldNotBeFreshWhileAPartitionIsBehind() {
    view.apply(lease(0, 2, true, T, T + 6_000));
    view.apply(lease(1, 2, false, T, T + 6_000));

    assertThat(view.fresh(T)).isFalse();
  }

  @Test
  void shouldIgnoreAnOlderLeaseWrittenAgain() {
    view.apply(lease(0, 1, true, T, T + 6_000));
    view.apply(lease(0, 1, false, T + 2_000, T + 8_000));
    view.apply(lease(0, 1, true, T, T + 6_000)); // the old one, replayed

    assertThat(view.fresh(T + 3_000)).isFalse();
    assertThat(view.ageMs(T + 3_000)).isEqualTo(1_000);
  }
}
