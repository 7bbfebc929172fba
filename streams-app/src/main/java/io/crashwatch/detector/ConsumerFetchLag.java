package io.crashwatch.detector;

import io.crashwatch.detector.topology.device.FetchLag;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Whether each heartbeat partition is read to its end, from the consumer's own fetch metadata: the
 * partition's {@code records-lag} metric, which every fetch that returns records sets to the high
 * watermark minus the position after them. A fetch that finds nothing new leaves it as it was — at 0
 * on an idle partition read to its end. A partition is caught up when a fetch showed lag 0 within a
 * heartbeat interval: under load the lag touches 0 again and again while the detector keeps up (a
 * fetch that returns records while more arrive shows a few left), and never while it is behind. A
 * partition without the metric (not assigned here, or not fetched yet) is unknown, so not caught up.
 * Device clocks play no part.
 *
 * <p>Sampled on its own thread every {@link #SAMPLE_INTERVAL}. A stream thread that stands still
 * does not scan either, and its first scan after the pause is not trusted ({@code InputActivity}),
 * so a 0 left over from before the pause cannot declare anybody dark.
 */
public final class ConsumerFetchLag implements FetchLag, AutoCloseable {
  static final Duration SAMPLE_INTERVAL = Duration.ofMillis(200);
  static final String GROUP = "consumer-fetch-manager-metrics";
  static final String RECORDS_LAG = "records-lag";

  /** The heartbeat topic as the metric's tag names it: the consumer writes '.' as '_'. */
  private final String topicTag;
  private final long heartbeatIntervalMs;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "crashwatch-fetch-lag");
    t.setDaemon(true);
    return t;
  });
  /** Per partition with a {@code records-lag} metric, when a sample last found it at 0; absent: never. */
  private final Map<Integer, Long> lastZeroMs = new ConcurrentHashMap<>();

  public ConsumerFetchLag(String heartbeatTopic, Duration heartbeatInterval) {
    this.topicTag = heartbeatTopic.replace('.', '_');
    this.heartbeatIntervalMs = heartbeatInterval.toMillis();
  }

  /** Starts sampling the metrics of the Kafka Streams client that runs the topology. */
  public void start(Supplier<Map<MetricName, ? extends Metric>> metrics) {
    sampler.scheduleAtFixedRate(() -> sample(metrics.get(), System.currentTimeMillis()),
        0, SAMPLE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Reads every heartbeat partition's {@code records-lag} now; partitions without one are forgotten. */
  void sample(Map<MetricName, ? extends Metric> metrics, long nowMs) {
    Map<Integer, Double> lags = new HashMap<>();
    metrics.forEach((name, metric) -> {
      String partition = name.tags().get("partition");
      if (name.name().equals(RECORDS_LAG) && name.group().equals(GROUP) && topicTag.equals(name.tags().get("topic"))
          && partition != null && metric.metricValue() instanceof Double lag && !lag.isNaN()) {
        lags.merge(Integer.parseInt(partition), lag, Math::max);
      }
    });
    lastZeroMs.keySet().retainAll(lags.keySet());
    lags.forEach((partition, lag) -> {
      if (lag == 0) {
        lastZeroMs.put(partition, nowMs);
      }
    });
  }

  @Override
  public boolean caughtUp(int partition, long wallMs) {
    Long zero = lastZeroMs.get(partition);
    return zero != null && wallMs - zero <= heartbeatIntervalMs;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
