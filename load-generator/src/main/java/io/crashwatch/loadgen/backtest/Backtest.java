package io.crashwatch.loadgen.backtest;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.DetectorTopology;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.detector.topology.device.FetchLag;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.AvroSerdeConfig;
import io.crashwatch.serde.SchemaRegistryClients;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The detector's own topology over recorded input: the input topics from {@code from - warmUp} to
 * {@code to}, merged in broker-timestamp order, through {@link DetectorTopology} in a
 * {@link TopologyTestDriver} whose wall clock follows the records' timestamps, so silence, bake time
 * and staleness behave as they did live, at the speed of the topology alone. Its decisions stay in
 * memory: nothing is written to any topic, the registry is only read ({@link ReadOnlyRegistry}), the
 * application id is the run's own and the kill switch is signed with a key made for the run and
 * thrown away. Every command is a shadow one.
 */
public final class Backtest {
  /** The wall clock advances in steps no longer than this through a silence, so timers fire as they did live. */
  static final Duration STEP = Duration.ofSeconds(1);
  /** Every so many records, what the topology wrote to topics nobody reads here is dropped, and progress told. */
  private static final int DRAIN_EVERY = 5_000;
  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(2);

  /** How far the backtest has come: records read of how many, and the event time reached. */
  public record Progress(long read, long total, Instant eventTime) {}

  /**
   * @param settings  the detector's settings, as it runs live
   * @param overrides the rule to try: settings that replace the live ones in the backtest only
   * @param from      start of the span compared with what happened live
   * @param to        its end; null: the topics' ends now
   * @param warmUp    history read before {@code from} to build state; null: {@code baseline-window}
   */
  public static BacktestReport run(Map<String, String> settings, Map<String, String> overrides, Instant from, Instant to,
                                   Duration warmUp, Consumer<Progress> progress) {
    String run = "backtest-" + UUID.randomUUID().toString().substring(0, 8);
    Path work;
    try {
      work = Files.createTempDirectory("crashwatch-" + run);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return run(run, work, settings, overrides, from, to, warmUp, progress);
    } finally {
      try {
        Utils.delete(work.toFile());
      } catch (IOException e) {
        // A leftover temp directory is not worth failing the report for.
      }
    }
  }

  private static BacktestReport run(String run, Path work, Map<String, String> live, Map<String, String> overrides,
                                    Instant from, Instant to, Duration warmUp, Consumer<Progress> progress) {
    DetectorSettings.from(live); // the live settings must be valid on their own, before anything is tried over them
    DetectorSettings settings = DetectorSettings.from(backtestValues(run, work, live, overrides));
    Duration warm = warmUp != null ? warmUp : settings.rules().baselineWindow();
    Instant readFrom = from.minus(warm);
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig(),
        new ReadOnlyRegistry(SchemaRegistryClients.create(AvroSerdeConfig.of(settings.serdeConfig()))));
    Map<String, Object> client = clientConfig(settings);

    List<SreAlert> alerts = new ArrayList<>();
    List<RecordedInput.RetentionGap> gaps;
    Map<String, Long> read;
    DetectorMetrics metrics = new DetectorMetrics(new SimpleMeterRegistry());
    try (TopologyTestDriver driver = new TopologyTestDriver(
             DetectorTopology.build(settings, topics, metrics, FetchLag.NONE, 1),
             DetectorTopology.streamsConfig(settings, metrics), readFrom);
         RecordedInput input = new RecordedInput(client,
             List.of(topics.heartbeats.name(), topics.crashReports.name(), topics.deployments.name(), topics.operatorCommands.name()),
             readFrom, List.of(topics.fleets.name()), to)) {
      Replay replay = new Replay(driver, topics, readFrom, alerts);
      Instant lastProgress = Instant.now();
      ConsumerRecord<byte[], byte[]> record;
      while ((record = input.next()) != null) {
        replay.pipe(record);
        if (input.read() % DRAIN_EVERY == 0) {
          replay.drain();
          if (Duration.between(lastProgress, Instant.now()).compareTo(PROGRESS_EVERY) >= 0) {
            lastProgress = Instant.now();
            progress.accept(new Progress(input.read(), input.total(), replay.wallClock()));
          }
        }
      }
      // Timers run on to the span's end: a silence at the end is a silence too.
      replay.advanceTo(to != null ? to : replay.wallClock());
      replay.collect();
      progress.accept(new Progress(input.read(), input.total(), replay.wallClock()));
      gaps = input.retentionGaps();
      read = input.readByTopic();
    }
    List<Decision> liveAlerts = Decision.readLive(client, topics, from, to);
    return BacktestReport.of(run, new BacktestReport.Span(from, to, readFrom), overrides, read, gaps,
        Decision.within(alerts, from, to), liveAlerts);
  }

  /**
   * The live settings with the rule tried over them, and what keeps the run apart from production:
   * its own application id and state directory, a signing key made for it, shadow mode.
   */
  static Map<String, String> backtestValues(String run, Path work, Map<String, String> live, Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>(live);
    values.putAll(overrides);
    values.put(StreamsConfig.APPLICATION_ID_CONFIG, "crashwatch-" + run);
    values.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("state").toString());
    values.put(DetectionRules.MODE, "SHADOW");
    Path key = work.resolve("throwaway-signing.key");
    try {
      Ed25519Keys.generateInto(key, work.resolve("throwaway-signing.pub"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    values.put("kill-switch-signing-key", key.toString());
    return values;
  }

  /** The consumer's part of the settings: the cluster's address and security, nothing of Streams. */
  static Map<String, Object> clientConfig(DetectorSettings settings) {
    Map<String, Object> client = new HashMap<>();
    settings.kafka().forEach((k, v) -> {
      if (ConsumerConfig.configNames().contains(k)) {
        client.put(k, v);
      }
    });
    return client;
  }

  /** The driver fed one record at a time, its wall clock kept at the record's time, its output taken as it comes. */
  private static final class Replay {
    private final TopologyTestDriver driver;
    private final Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
    private final TestOutputTopic<String, SreAlert> alertsOut;
    private final List<SreAlert> alerts;
    private final String alertsTopic;
    private Instant wallClock;
    private boolean started;

    Replay(TopologyTestDriver driver, Topics topics, Instant start, List<SreAlert> alerts) {
      this.driver = driver;
      this.alerts = alerts;
      this.wallClock = start;
      for (String topic : List.of(topics.heartbeats.name(), topics.crashReports.name(), topics.deployments.name(),
          topics.operatorCommands.name(), topics.fleets.name())) {
        inputs.put(topic, driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer()));
      }
      alertsTopic = topics.alerts.name();
      alertsOut = driver.createOutputTopic(alertsTopic, new StringDeserializer(), topics.alerts.valueSerde().deserializer());
    }

    void pipe(ConsumerRecord<byte[], byte[]> record) {
      Instant time = Instant.ofEpochMilli(record.timestamp());
      if (!started && time.isAfter(wallClock)) {
        // Before the first record there is nothing to time out: one step to it, not one a second.
        tick(Duration.between(wallClock, time));
      }
      started = true;
      advanceTo(time);
      inputs.get(record.topic()).pipeInput(new TestRecord<>(record.key(), record.value(), record.headers(),
          Instant.ofEpochMilli(record.timestamp())));
      collect();
    }

    void advanceTo(Instant time) {
      while (Duration.between(wallClock, time).compareTo(STEP) > 0) {
        tick(STEP);
      }
      if (time.isAfter(wallClock)) {
        tick(Duration.between(wallClock, time));
      }
    }

    private void tick(Duration step) {
      driver.advanceWallClockTime(step);
      wallClock = wallClock.plus(step);
      collect();
    }

    Instant wallClock() {
      return wallClock;
    }

    /** Takes the new alerts: a HALT's alert carries its target, time and evidence, as the live one does. */
    void collect() {
      while (!alertsOut.isEmpty()) {
        alerts.add(alertsOut.readRecord().value());
      }
    }

    /** Drops what the driver kept of every other topic it wrote (repartitions, rates, leases): memory stays flat. */
    void drain() {
      for (String topic : driver.producedTopicNames()) {
        if (!topic.equals(alertsTopic)) {
          TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
          while (!out.isEmpty()) {
            out.readRecord();
          }
        }
      }
    }
  }
}
