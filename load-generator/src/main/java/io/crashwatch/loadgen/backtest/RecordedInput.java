package io.crashwatch.loadgen.backtest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Recorded topics read back over a span, every partition merged into one stream in broker-timestamp
 * order: what the detector would have met had it read them all at once. A plain consumer with assigned
 * partitions, no group and no commits, so read access to the topics is all it needs; read_committed, as
 * the detector reads.
 *
 * <p>The span's end is fixed when it opens (the offsets of {@code to}, or the ends then), so a live
 * tail never keeps it going.
 */
final class RecordedInput implements AutoCloseable {
  /** Records held per partition before it is paused: bounds the memory of a partition far ahead of the rest. */
  private static final int MAX_BUFFERED = 2_000;
  /** How long the broker may send nothing while records are still due. */
  private static final Duration STALL = Duration.ofSeconds(60);

  /** Where a topic's retention starts, when it starts after the records the span asked for. */
  record RetentionGap(String topic, Instant earliest) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<TopicPartition, Long> ends = new HashMap<>();
  private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> buffered = new HashMap<>();
  private final Map<TopicPartition, Long> retentionStarts = new HashMap<>();
  private final Map<String, Instant> earliestRetained = new TreeMap<>();
  private final Map<String, Long> readByTopic = new LinkedHashMap<>();
  private final long total;
  private long read;
  /** Whether some partition may have records due and none buffered: true until the first fill. */
  private boolean refill = true;

  /**
   * @param client    consumer settings (bootstrap.servers, security); group and offsets are this class's
   * @param fromTime  topics read from {@code from}
   * @param whole     topics read from their beginning, such as a compacted one whose every key still counts
   * @param to        the span's end (exclusive); null: the topics' ends now
   */
  RecordedInput(Map<String, Object> client, List<String> fromTime, Instant from, List<String> whole, Instant to) {
    Map<String, Object> config = new HashMap<>(client);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    Map<TopicPartition, Long> starts = new HashMap<>();
    List<TopicPartition> timed = partitions(fromTime);
    List<TopicPartition> all = new ArrayList<>(timed);
    all.addAll(partitions(whole));
    consumer.assign(all);
    Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(all);
    Map<TopicPartition, Long> latest = consumer.endOffsets(all);
    Map<TopicPartition, OffsetAndTimestamp> atFrom = consumer.offsetsForTimes(times(timed, from));
    Map<TopicPartition, OffsetAndTimestamp> atTo = to == null ? Map.of() : consumer.offsetsForTimes(times(all, to));
    for (TopicPartition tp : all) {
      long start = timed.contains(tp) ? offset(atFrom.get(tp), latest.get(tp)) : beginnings.get(tp);
      long end = to == null ? latest.get(tp) : offset(atTo.get(tp), latest.get(tp));
      starts.put(tp, start);
      ends.put(tp, Math.max(start, end));
      buffered.put(tp, new ArrayDeque<>());
      readByTopic.putIfAbsent(tp.topic(), 0L);
      // Records before the span's start were deleted, and nothing older is left: the span may begin
      // after its start. The first record read says where it really begins.
      if (timed.contains(tp) && beginnings.get(tp) > 0 && start == beginnings.get(tp)) {
        retentionStarts.put(tp, start);
      }
      consumer.seek(tp, start);
    }
    total = all.stream().mapToLong(tp -> ends.get(tp) - starts.get(tp)).sum();
  }

  /** The next record in broker-timestamp order (ties by topic and partition), or null after the last. */
  ConsumerRecord<byte[], byte[]> next() {
    fill();
    TopicPartition first = null;
    long firstTimestamp = Long.MAX_VALUE;
    for (Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> e : buffered.entrySet()) {
      ConsumerRecord<byte[], byte[]> head = e.getValue().peekFirst();
      if (head != null && head.timestamp() < firstTimestamp) {
        first = e.getKey();
        firstTimestamp = head.timestamp();
      }
    }
    if (first == null) {
      return null;
    }
    ArrayDeque<ConsumerRecord<byte[], byte[]>> from = buffered.get(first);
    ConsumerRecord<byte[], byte[]> record = from.pollFirst();
    // Only a partition just emptied can leave the oldest record unknown: polling waits for that.
    refill = from.isEmpty();
    read++;
    readByTopic.merge(record.topic(), 1L, Long::sum);
    return record;
  }

  /** Records the span holds, counted by offsets: an upper bound (transaction markers take offsets too). */
  long total() {
    return total;
  }

  long read() {
    return read;
  }

  Map<String, Long> readByTopic() {
    return Map.copyOf(readByTopic);
  }

  /** Topics whose retention begins after the span's start: their first retained record's time. */
  List<RetentionGap> retentionGaps() {
    return earliestRetained.entrySet().stream().map(e -> new RetentionGap(e.getKey(), e.getValue())).toList();
  }

  /** Polls until every partition with records still due has one buffered: only then is the oldest known. */
  private void fill() {
    if (!refill) {
      return;
    }
    refill = false;
    long stalledSince = System.nanoTime();
    while (buffered.entrySet().stream().anyMatch(e -> e.getValue().isEmpty() && due(e.getKey()))) {
      List<TopicPartition> pause = new ArrayList<>();
      List<TopicPartition> resume = new ArrayList<>();
      buffered.forEach((tp, records) -> (records.size() >= MAX_BUFFERED || !due(tp) ? pause : resume).add(tp));
      consumer.pause(pause);
      consumer.resume(resume);
      int added = 0;
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (r.offset() < ends.get(tp)) {
          buffered.get(tp).addLast(r);
          added++;
          Long retentionStart = retentionStarts.remove(tp);
          if (retentionStart != null && r.offset() == retentionStart) {
            earliestRetained.merge(tp.topic(), Instant.ofEpochMilli(r.timestamp()), (a, b) -> a.isAfter(b) ? a : b);
          }
        }
      }
      if (added > 0) {
        stalledSince = System.nanoTime();
      } else if (System.nanoTime() - stalledSince > STALL.toNanos()) {
        throw new IllegalStateException("no records from the broker for " + STALL.toSeconds() + " s while "
            + buffered.keySet().stream().filter(this::due).toList() + " still hold some of the span");
      }
    }
  }

  /** Whether the partition holds records of the span not fetched yet. */
  private boolean due(TopicPartition tp) {
    return consumer.position(tp) < ends.get(tp);
  }

  private List<TopicPartition> partitions(List<String> topics) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : topics) {
      var info = consumer.partitionsFor(topic);
      if (info == null || info.isEmpty()) {
        throw new IllegalArgumentException("topic " + topic + " does not exist or cannot be described");
      }
      info.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    return partitions;
  }

  private static Map<TopicPartition, Long> times(List<TopicPartition> partitions, Instant time) {
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(tp -> times.put(tp, time.toEpochMilli()));
    return times;
  }

  /** The offset found for a time, or the end when no record is that late. */
  private static long offset(OffsetAndTimestamp found, long end) {
    return found == null ? end : found.offset();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
