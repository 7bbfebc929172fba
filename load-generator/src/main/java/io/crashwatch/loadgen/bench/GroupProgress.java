package io.crashwatch.loadgen.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a consumer group processes each of some partitions, seen from outside it as an SRE's lag alert
 * sees it: its committed offsets, sampled against the partitions' ends. A partition <em>stalls</em> from the
 * first sample that finds input waiting after its committed offset last moved, until it moves again. With
 * exactly-once the detector commits every 100 ms while it processes, so a stall longer than a few samples
 * means nobody processes the partition: its instance is dead, stopped, or its tasks are moving.
 */
public final class GroupProgress implements AutoCloseable {
  /** A time, on the wall clock, during which a partition waited unprocessed; {@code toMs} -1 while it lasts. */
  public record Stall(TopicPartition partition, long fromMs, long toMs) {
    public long lastedMs(long nowMs) {
      return (toMs < 0 ? nowMs : toMs) - fromMs;
    }
  }

  /** Shorter waits are a commit interval between two samples, not a stall: they are not kept. */
  static final long MIN_STALL_MS = 1_000;

  private final Admin admin;
  private final String group;
  private final List<TopicPartition> partitions;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "group-progress");
    t.setDaemon(true);
    return t;
  });
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<TopicPartition, Long> waitingSinceMs = new HashMap<>();
  private final List<Stall> stalls = new ArrayList<>();
  private final Map<TopicPartition, Long> firstPastOffset = new HashMap<>();
  private final Map<TopicPartition, Long> firstPast = new HashMap<>();

  public GroupProgress(Admin admin, String group, List<TopicPartition> partitions, Duration every) {
    this.admin = admin;
    this.group = group;
    this.partitions = List.copyOf(partitions);
    sampler.scheduleWithFixedDelay(this::sampleQuietly, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void sampleQuietly() {
    try {
      sample();
    } catch (ExecutionException e) {
      // the broker did not answer this once: the next sample will
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void sample() throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, Long> ends = ends();
    long now = System.currentTimeMillis();
    synchronized (this) {
      for (TopicPartition p : partitions) {
        OffsetAndMetadata c = offsets.get(p);
        long at = c == null ? 0 : c.offset();
        Long before = committed.put(p, at);
        Long watched = firstPastOffset.get(p);
        if (watched != null && at > watched) {
          firstPast.putIfAbsent(p, now);
        }
        if (before == null || at > before) {
          Long since = waitingSinceMs.remove(p);
          if (since != null && now - since >= MIN_STALL_MS) {
            stalls.add(new Stall(p, since, now));
          }
        } else if (ends.get(p) > at) {
          waitingSinceMs.putIfAbsent(p, now);
        }
      }
    }
  }

  /** Every stall so far, those that last included, oldest first. */
  public synchronized List<Stall> stalls() {
    List<Stall> all = new ArrayList<>(stalls);
    waitingSinceMs.forEach((p, since) -> all.add(new Stall(p, since, -1)));
    all.sort(java.util.Comparator.comparingLong(Stall::fromMs));
    return all;
  }

  /**
   * From now on, notes when the group first commits past each partition's end as it is now. Called right
   * after an instance died: those records were all written by then, and the dead instance's last transaction
   * may still complete and move the offset, so only a living instance's progress takes it past the end.
   */
  public void watchPastEndsNow() throws ExecutionException, InterruptedException {
    Map<TopicPartition, Long> now = ends();
    synchronized (this) {
      firstPastOffset.putAll(now);
      firstPast.clear();
    }
  }

  /** When a sample first found the group committed past the end {@link #watchPastEndsNow} saw on {@code p}; -1: not yet. */
  public synchronized long committedPastAtMs(TopicPartition p) {
    return firstPast.getOrDefault(p, -1L);
  }

  private Map<TopicPartition, Long> ends() throws ExecutionException, InterruptedException {
    return admin.listOffsets(partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
        .all().get().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
