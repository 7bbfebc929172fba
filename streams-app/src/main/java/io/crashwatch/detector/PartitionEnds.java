package io.crashwatch.detector;

import io.crashwatch.detector.topology.device.FetchLag;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether each heartbeat partition is read to its end: the partition's end offset, sampled from the broker
 * every {@link #SAMPLE_INTERVAL}, against the offset after the last heartbeat the partition's task
 * processed. A partition is caught up when its task has processed everything the partition held at some
 * sample within the last heartbeat interval: under load the task trails the end by a moment and reaches
 * where it was then, and it never does while it is behind or stands still. Device clocks play no part.
 *
 * <p>The consumer's own {@code records-lag} is not used: a fetch that returns nothing leaves it as it was,
 * so a partition nobody fetched any more (its task starved on a busy thread, the partition paused) kept
 * reading 0 — caught up — while its records waited, and its devices went dark (found with
 * {@code SeveralInstancesIT}: a detector that took over its peers' partitions halted a healthy rollout).
 */
public final class PartitionEnds implements FetchLag, AutoCloseable {
  static final Duration SAMPLE_INTERVAL = Duration.ofMillis(200);

  private final long heartbeatIntervalMs;
  /** Per partition, its sampled ends within the last heartbeat interval, oldest first: {at, end}. */
  private final Map<Integer, Deque<long[]>> samples = new HashMap<>();
  private ScheduledExecutorService sampler;
  private Admin admin;

  PartitionEnds(Duration heartbeatInterval) {
    this.heartbeatIntervalMs = heartbeatInterval.toMillis();
  }

  /** Samples the ends of {@code topic}'s {@code partitions} with {@code admin}, which it closes when it closes. */
  static PartitionEnds sampling(Admin admin, String topic, int partitions, Duration heartbeatInterval) {
    PartitionEnds ends = new PartitionEnds(heartbeatInterval);
    Map<TopicPartition, OffsetSpec> request = IntStream.range(0, partitions).boxed()
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
    ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
    ends.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "crashwatch-partition-ends");
      t.setDaemon(true);
      return t;
    });
    ends.sampler.scheduleWithFixedDelay(() -> {
      long at = System.currentTimeMillis(); // the ends are at least those of the moment we asked
      try {
        admin.listOffsets(request, committed).all().get(SAMPLE_INTERVAL.toMillis() * 10, TimeUnit.MILLISECONDS)
            .forEach((tp, info) -> ends.observe(tp.partition(), info.offset(), at));
      } catch (ExecutionException | TimeoutException e) {
        // no answer this time: an old sample ages out, and the partition stops counting as caught up
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, 0, SAMPLE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    ends.admin = admin;
    return ends;
  }

  /** The partition held records up to {@code end} (exclusive) at {@code atMs}. */
  synchronized void observe(int partition, long end, long atMs) {
    Deque<long[]> recent = samples.computeIfAbsent(partition, p -> new ArrayDeque<>());
    recent.addLast(new long[] {atMs, end});
    while (recent.peekFirst()[0] < atMs - heartbeatIntervalMs) {
      recent.removeFirst();
    }
  }

  @Override
  public synchronized boolean caughtUp(int partition, long nextOffset, long wallMs) {
    Deque<long[]> recent = samples.get(partition);
    if (recent == null || nextOffset < 0) {
      return false;
    }
    for (long[] sample : recent) {
      if (sample[0] >= wallMs - heartbeatIntervalMs && sample[1] <= nextOffset) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    if (sampler != null) {
      sampler.shutdownNow();
      admin.close(Duration.ofSeconds(5));
    }
  }
}
