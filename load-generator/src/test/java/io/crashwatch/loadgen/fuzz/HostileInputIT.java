package io.crashwatch.loadgen.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.loadgen.TestDetectorSettings;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.sim.RolloutProgress;
import io.crashwatch.loadgen.sim.ScenarioReport;
import io.crashwatch.loadgen.sim.ScenarioRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running scenario with hostile records mixed into every input topic: each lands in the dead-letter
 * topic with its own bytes and a reason, the detector never leaves RUNNING nor replaces a stream
 * thread, and it halts exactly what it halts in the same scenario without the noise.
 */
class HostileInputIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path stateDir;

  @Test
  void shouldDeadLetterHundredsOfHostileRecordsAndDecideAsWithoutThem() throws Exception {
    assertHostileRecordsChangeNothing(300, Path.of("src/test/resources/scenarios-short/two-fleets.yaml"));
  }

  /**
   * The shipped 90-second scenario, so 10,000 hostile records arrive at about 115 a second among
   * 4,500 good ones: crammed into the 20-second copy (625 a second, many of them 70 KB), they delayed
   * the halts of a 2-core machine past that scenario's end.
   */
  @Test
  @Tag("slow")
  void shouldDeadLetterTenThousandHostileRecordsAndDecideAsWithoutThem() throws Exception {
    assertHostileRecordsChangeNothing(10_000, Path.of("scenarios/two-fleets.yaml"));
  }

  private void assertHostileRecordsChangeNothing(int hostile, Path scenarioFile) throws Exception {
    Scenario scenario = ScenarioParser.parse(scenarioFile);

    Run clean = run(scenario, 0);
    Run noisy = run(scenario, hostile);

    assertThat(clean.decisions()).as("the scenario halts something to compare").containsValue("GLOBAL");
    assertThat(noisy.decisions()).as("halted targets and haltedBy").isEqualTo(clean.decisions());
    assertThat(noisy.report.falseHalts()).isZero();
    assertThat(noisy.statesAfterRunning).as("states after the first RUNNING").isEmpty();
    assertThat(noisy.threadsAtEnd).as("stream threads").isEqualTo(noisy.threadsAtStart);
    assertThat(noisy.deadLetters).as("dead letters, one per hostile record").hasSize(hostile);
    Map<Integer, ProducerRecord<byte[], byte[]>> sent = noisy.sent;
    for (ConsumerRecord<byte[], byte[]> dead : noisy.deadLetters) {
      ProducerRecord<byte[], byte[]> original = sent.get(Integer.parseInt(header(dead, HostileRecords.ID_HEADER)));
      assertThat(dead.key()).as("original key bytes").isEqualTo(original.key());
      assertThat(dead.value()).as("original value bytes").isEqualTo(original.value());
      assertThat(header(dead, "__streams.errors.topic")).isEqualTo(original.topic());
      assertThat(header(dead, "__streams.errors.offset")).isNotBlank();
      assertThat(header(dead, "crashwatch.error.reason")).isNotBlank();
    }
    assertThat(noisy.deadLetters).extracting(r -> header(r, "crashwatch.error.reason")).as("reasons seen")
        .contains("too-long", "too-many-components", "invalid-characters", "future-timestamp", "too-old",
            "missing-fleet-id", "key-not-device-id", "null-value", "wrong-record-type", "operator-unsigned");
  }

  /** What a scenario run decided and how the detector fared, with {@code hostile} records mixed in. */
  private record Run(ScenarioReport report, Map<Integer, ProducerRecord<byte[], byte[]>> sent,
                     List<ConsumerRecord<byte[], byte[]>> deadLetters, List<KafkaStreams.State> statesAfterRunning,
                     Set<String> threadsAtStart, Set<String> threadsAtEnd) {

    /** fleet/component/version → haltedBy (or "not halted"). */
    Map<String, String> decisions() {
      Map<String, String> decided = new TreeMap<>();
      for (RolloutProgress r : report.rollouts()) {
        decided.put(r.fleet() + "/" + r.component() + "/" + r.version(), r.isHalted() ? r.haltedBy() : "not halted");
      }
      return decided;
    }
  }

  private Run run(Scenario scenario, int hostile) throws Exception {
    String run = "hostile-" + hostile + "-" + UUID.randomUUID().toString().substring(0, 8);
    DetectorSettings settings = TestDetectorSettings.forRun(CLUSTER, run, stateDir.resolve(run), scenario.detectorSettings());
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
    Map<Integer, ProducerRecord<byte[], byte[]>> sent = new HashMap<>();
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      int runningAt = detector.stateHistory().lastIndexOf(KafkaStreams.State.RUNNING);
      Set<String> threadsAtStart = detector.streamThreadNames();
      // The hostile records go in while the scenario plays, spread over most of it.
      CompletableFuture<Void> noise = CompletableFuture.runAsync(() ->
          sendHostile(topics, hostile, scenario.duration().minusSeconds(4), sent));
      ScenarioReport report = ScenarioRunner.run(scenario, Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
          "schema.registry.url", CLUSTER.schemaRegistryUrl()), settings.topics(), TestDetectorSettings.keys(stateDir.resolve(run), settings), null,
          progress -> { });
      noise.get();
      List<ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(settings.topics().deadLetters(), hostile);
      List<KafkaStreams.State> history = detector.stateHistory();
      return new Run(report, sent, dead, history.subList(runningAt + 1, history.size()), threadsAtStart,
          detector.streamThreadNames());
    }
  }

  private static void sendHostile(Topics topics, int count, Duration over, Map<Integer, ProducerRecord<byte[], byte[]>> sent) {
    if (count == 0) {
      return;
    }
    HostileRecords records = new HostileRecords(topics, 9_2024L + count);
    long start = System.nanoTime();
    long spacingNanos = over.toNanos() / count;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(CLUSTER.producerConfig(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      for (int n = 0; n < count; n++) {
        ProducerRecord<byte[], byte[]> record = records.next(n, Instant.now());
        synchronized (sent) {
          sent.put(n, record);
        }
        producer.send(record);
        // Pacing a producer, not waiting for an outcome: Awaitility does not apply.
        LockSupport.parkNanos(start + (n + 1) * spacingNanos - System.nanoTime());
      }
      producer.flush();
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(String topic, int expected) {
    List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
    try (var consumer = new KafkaConsumer<>(CLUSTER.readCommittedConsumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(120)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
        return dead.size() >= expected;
      });
      // Anything more than expected would be a good record dead-lettered: read a little longer to see it.
      consumer.poll(Duration.ofSeconds(2)).forEach(dead::add);
    }
    return dead;
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }


}
