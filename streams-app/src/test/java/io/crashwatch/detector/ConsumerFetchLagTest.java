package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

/** Caught up comes from the consumer's records-lag of each heartbeat partition, and nothing else. */
class ConsumerFetchLagTest {
  private static final long NOW = 1_721_367_000_000L;

  private static final long INTERVAL = 2_000;

  private final ConsumerFetchLag lag = new ConsumerFetchLag("crashwatch.heartbeats", java.time.Duration.ofMillis(INTERVAL));

  @Test
  void shouldCallAPartitionCaughtUpWhileAFetchShowedLagZeroWithinAHeartbeatInterval() {
    Map<MetricName, Metric> metrics = new HashMap<>();
    recordsLag(metrics, "crashwatch_heartbeats", 0, 0.0);
    recordsLag(metrics, "crashwatch_heartbeats", 1, 250.0);
    recordsLag(metrics, "crashwatch_crash-reports", 2, 0.0); // another topic's partition 2
    metrics.put(new MetricName("records-lag-max", ConsumerFetchLag.GROUP, "", Map.of("client-id", "c")), value(0.0));

    lag.sample(metrics, NOW);

    assertThat(lag.caughtUp(0, NOW + 100)).isTrue();
    assertThat(lag.caughtUp(1, NOW + 100)).as("behind").isFalse();
    assertThat(lag.caughtUp(2, NOW + 100)).as("never fetched here: unknown").isFalse();
    assertThat(lag.caughtUp(0, NOW + INTERVAL + 1)).as("no zero within an interval").isFalse();
  }

  /** Under load a fetch finds a few records more than it returned; the lag touches 0 again and again. */
  @Test
  void shouldStayCaughtUpWhileTheLagKeepsTouchingZeroAndNotWhenItStopsTo() {
    Map<MetricName, Metric> metrics = new HashMap<>();
    for (long t = 0; t <= 3 * INTERVAL; t += ConsumerFetchLag.SAMPLE_INTERVAL.toMillis()) {
      recordsLag(metrics, "crashwatch_heartbeats", 0, t % 1_000 == 0 ? 0.0 : 12.0);
      lag.sample(metrics, NOW + t);
      assertThat(lag.caughtUp(0, NOW + t)).as("at %d ms", t).isTrue();
    }
    for (long t = 3 * INTERVAL + 200; t <= 5 * INTERVAL; t += ConsumerFetchLag.SAMPLE_INTERVAL.toMillis()) {
      recordsLag(metrics, "crashwatch_heartbeats", 0, 5_000.0); // falling behind
      lag.sample(metrics, NOW + t);
    }
    assertThat(lag.caughtUp(0, NOW + 5 * INTERVAL)).isFalse();
  }

  @Test
  void shouldForgetAPartitionWhoseMetricIsGone() {
    Map<MetricName, Metric> metrics = new HashMap<>();
    recordsLag(metrics, "crashwatch_heartbeats", 0, 0.0);
    lag.sample(metrics, NOW);

    lag.sample(Map.of(), NOW + 200); // revoked in a rebalance: the consumer removed its metric

    assertThat(lag.caughtUp(0, NOW + 300)).isFalse();
  }

  private static void recordsLag(Map<MetricName, Metric> metrics, String topicTag, int partition, double value) {
    metrics.put(new MetricName(ConsumerFetchLag.RECORDS_LAG, ConsumerFetchLag.GROUP, "",
        Map.of("client-id", "app-StreamThread-1-consumer", "topic", topicTag, "partition", String.valueOf(partition))),
        value(value));
  }

  private static Metric value(double v) {
    return new Metric() {
      @Override
      public MetricName metricName() {
        throw new UnsupportedOperationException();
      }

      @Override
      public Object metricValue() {
        return v;
      }
    };
  }
}
