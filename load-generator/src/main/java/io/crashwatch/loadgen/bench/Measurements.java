package io.crashwatch.loadgen.bench;

import io.crashwatch.embedded.AlertmanagerProcess;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.serde.AvroDeserializer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The benchmark's measurements, each against the same broker and records. */
final class Measurements {
  private Measurements() {
  }

  /** Events per second a plain consumer reads and decodes the topics at: the ceiling. */
  static double ceiling(String bootstrap, String registry, List<String> topics, long expected) {
    AvroDeserializer<Object> values = new AvroDeserializer<>();
    values.configure(Map.of("schema.registry.url", registry, "specific.avro.reader", true), false);
    try (KafkaConsumer<String, Object> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024), new StringDeserializer(), values)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      // Timed from the first records on, as the detector is: connecting and the first fetch do not count.
      long first = 0;
      while (first == 0) {
        first = consumer.poll(Duration.ofMillis(500)).count();
      }
      long start = System.nanoTime();
      long read = first;
      long deadline = start + TimeUnit.MINUTES.toNanos(10);
      while (read < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Read " + read + " of " + expected + " events in 10 minutes");
        }
        read += consumer.poll(Duration.ofMillis(500)).count();
      }
      return (read - first) / ((System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * The detector's catch-up rates, events/s: over the whole catch-up, from its first committed
   * progress until its lag on the input topics reaches 0 (the headline figure); and over the part
   * after the first quarter of the records, when the JIT compilers of a fresh JVM no longer take
   * a core of this machine from the stream threads.
   */
  record CatchUp(double eventsPerSec, double warmEventsPerSec) {
  }

  static CatchUp catchUp(Admin admin, String applicationId, List<String> topics, Duration timeout) throws Exception {
    Map<TopicPartition, Long> ends = endOffsets(admin, topics);
    long total = ends.values().stream().mapToLong(Long::longValue).sum();
    LongSupplier committed = () -> {
      try {
        return committed(admin, applicationId, ends.keySet());
      } catch (Exception e) {
        return 0;
      }
    };
    long deadline = System.nanoTime() + timeout.toNanos();
    Progress first = null;
    Progress warm = null;
    while (System.nanoTime() < deadline) {
      Progress now = new Progress(committed.getAsLong(), System.nanoTime());
      if (first == null && now.done > 0) {
        first = now;
      }
      if (warm == null && now.done >= total / 4) {
        warm = now;
      }
      if (now.done >= total) {
        return new CatchUp(now.rateSince(first), now.rateSince(warm));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("The detector did not catch up on " + total + " events within " + timeout);
  }

  /** Records of the topics the consumer group {@code applicationId} has not committed yet. */
  static long lag(Admin admin, String applicationId, List<String> topics) throws Exception {
    Map<TopicPartition, Long> ends = endOffsets(admin, topics);
    return ends.values().stream().mapToLong(Long::longValue).sum() - committed(admin, applicationId, ends.keySet());
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (String topic : topics) {
      admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    }
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  private static long committed(Admin admin, String applicationId, Set<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(applicationId)
        .partitionsToOffsetAndMetadata().get();
    return partitions.stream().mapToLong(tp -> offsets.get(tp) != null ? offsets.get(tp).offset() : 0).sum();
  }

  private record Progress(long done, long atNanos) {
    double rateSince(Progress earlier) {
      double seconds = (atNanos - earlier.atNanos) / 1e9;
      return seconds > 0 ? (done - earlier.done) / seconds : Double.NaN;
    }
  }

  /** Gives up on the latency runs after this many HALTs in a row did not come: the detector is not keeping up. */
  static final int MAX_TIMEOUTS = 3;

  /**
   * Latency of each HALT, ms: from producing the 5th failure to a read_committed consumer receiving
   * the HALT. A HALT that does not come within 60 s counts in {@code timeouts[0]}. The caller runs a
   * {@link Background} meanwhile; the first HALT is timed after {@code warmUp} of it, so the detector is in
   * its steady state.
   */
  static Histogram latency(BenchFleet fleet, Map<String, Long> haltsReceived, int runs, Duration warmUp, int[] timeouts)
      throws Exception {
    return latency(fleet, haltsReceived, runs, warmUp, timeouts, null, null);
  }

  /**
   * The same, and with {@code alertmanager} given, the time from each HALT received to its alert listed by
   * Alertmanager's {@code GET /api/v2/alerts} (polled every 10 ms), into {@code alertLatency}.
   */
  static Histogram latency(BenchFleet fleet, Map<String, Long> haltsReceived, int runs, Duration warmUp, int[] timeouts,
                           AlertmanagerProcess alertmanager, Histogram alertLatency) throws Exception {
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMillis(5), 3);
    int inARow = 0;
    Thread.sleep(warmUp.toMillis());
    for (int run = 0; run < runs; run++) {
      String fleetId = "bench-latency-" + run;
      String target = fleetId + "/channel-291/r41";
      // A fleet of 100 on r40; five take r41 and crash: the 5th failure makes the decision possible.
      for (int i = 0; i < 100; i++) {
        fleet.producer().send(new ProducerRecord<>(topicOf(fleet, true), device(run, i), heartbeat(fleetId, device(run, i), "r40",
            HeartbeatReason.PERIODIC)));
      }
      for (int i = 0; i < 5; i++) {
        fleet.producer().send(new ProducerRecord<>(topicOf(fleet, true), device(run, i), heartbeat(fleetId, device(run, i), "r41",
            HeartbeatReason.UPDATE_APPLIED)));
      }
      fleet.producer().flush();
      Thread.sleep(200);
      long sentAt = 0;
      for (int i = 0; i < 5; i++) {
        sentAt = System.nanoTime();
        fleet.producer().send(new ProducerRecord<>(topicOf(fleet, false), device(run, i), CrashReport.newBuilder()
            .setReportId(device(run, i) + "-crash").setDeviceId(device(run, i)).setFleetId(fleetId)
            .setCrashedAt(Instant.now()).setBugcheckCode(0x50).setFaultingModule("csagent.sys")
            .setOsBuild("10.0.19045").build()));
      }
      fleet.producer().flush();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!haltsReceived.containsKey(target) && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      Long received = haltsReceived.get(target);
      if (received == null) {
        timeouts[0]++;
        if (++inARow >= MAX_TIMEOUTS) {
          break;
        }
        continue;
      }
      inARow = 0;
      histogram.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMillis(received - sentAt)));
      if (alertmanager != null) {
        String alertId = "rollout-halted/" + target + "/0";
        long alertDeadline = received + TimeUnit.SECONDS.toNanos(60);
        while (alertmanager.alert(alertId).isEmpty() && System.nanoTime() < alertDeadline) {
          Thread.sleep(10);
        }
        if (System.nanoTime() < alertDeadline) {
          alertLatency.recordValue(Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - received)));
        }
      }
    }
    return histogram;
  }

  private static String topicOf(BenchFleet fleet, boolean heartbeats) {
    return heartbeats ? fleet.heartbeatsTopic() : fleet.crashReportsTopic();
  }

  private static String device(int run, int i) {
    return String.format("lat-%03d-%03d", run, i);
  }

  private static Heartbeat heartbeat(String fleetId, String device, String channel, HeartbeatReason reason) {
    return Heartbeat.newBuilder().setDeviceId(device).setFleetId(fleetId).setSentAt(Instant.now())
        .setBootId(device + "-boot").setUptimeMs(1).setOsBuild("10.0.19045")
        .setComponents(Map.of("sensor", "7.11.18110", "channel-291", channel)).setReason(reason).build();
  }
}
