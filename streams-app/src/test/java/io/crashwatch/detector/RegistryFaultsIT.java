package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.embedded.EmbeddedSchemaRegistry;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.SignatureCount;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The detector on a real broker with a registry of its own that fails on purpose: a registry's fault
 * must never send good records to the dead-letter topic, and a record's fault (an unknown schema id)
 * must never stop the detector.
 */
class RegistryFaultsIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  /** Not the shared registry: the faults injected here must not reach other tests. */
  private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();

  @TempDir
  Path stateDir;

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldStopNamingTheSettingAndDeadLetterNothingWhenTheRegistryRefusesTheCredentials() throws Exception {
    DetectorSettings settings = settings("refused-" + UUID.randomUUID());
    byte[] good = serialized(settings, TestDevices.crash("device-1"));
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));

      registry.failAll(401); // e.g. the detector's credentials were rotated out
      produce(settings.topics().crashReports(), "device-1", good);

      await().atMost(Duration.ofSeconds(60)).until(() -> detector.stopCause().isPresent());
      StopCause cause = detector.stopCause().orElseThrow();
      assertThat(cause.exitCode()).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
      assertThat(cause.message()).contains("refused the credentials", "basic.auth.user.info", "schema.registry.url");
      assertThat(detector.awaitStopped()).isFalse();
    }
    assertThat(committed(settings.topics().deadLetters())).isEmpty();
  }

  @Test
  void shouldRefuseAnOperatorCommandNamingTheSettingWhenTheRegistryRefusesTheCredentials() throws Exception {
    String run = "operator-" + UUID.randomUUID();
    Path config = stateDir.resolve(run + ".properties");
    List<String> lines = new ArrayList<>(List.of("bootstrap.servers=" + CLUSTER.bootstrapServers(),
        "schema.registry.url=" + registry.url(), "schema.registry.retries=0"));
    lines.add("operator-commands-topic=" + run + ".operator-commands");
    Files.write(config, lines);
    try (Admin admin = Admin.create(
        Map.<String, Object>of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(run + ".operator-commands", 1, (short) 1)))
          .all().get();
    }
    registry.failAll(401);
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new OperatorMain()).execute("halt", "airline-ops/channel-291/r41",
          "--reason", "bad canary", "--key", TestKeys.operatorKeyFile(), "--config", config.toString());
    } finally {
      System.setErr(stderr);
    }

    assertThat(exit).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("crashwatch:", "refused the credentials", "basic.auth.user.info").doesNotContain("\tat ");
  }

  @Test
  void shouldStopWithoutCommittingWhileTheRegistryIsUnavailableAndWaitForItOnRestart() throws Exception {
    DetectorSettings settings = settings("unavailable-" + UUID.randomUUID());
    List<byte[]> good = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      good.add(serialized(settings, TestDevices.crash("device-" + i)));
    }
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      TestDevices.heartbeatFrom(CLUSTER.producerConfig(), settings, detector, 3); // exposure first: only devices seen heartbeating count

      registry.failAll(429); // overloaded
      for (int i = 0; i < 3; i++) {
        produce(settings.topics().crashReports(), "device-" + i, good.get(i));
      }

      await().atMost(Duration.ofSeconds(60)).until(() -> detector.stopCause().isPresent());
      assertThat(detector.stopCause().orElseThrow().message()).contains("could not be reached");
      assertThat(detector.stopCause().orElseThrow().exitCode()).isEqualTo(1);
    }

    registry.failAll(503); // and down when the detector comes back
    try (Detector detector = Detector.start(settings)) {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        HttpResponse<String> health = health(detector.httpPort());
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.body()).contains("\"registry\":\"unreachable\"");
      });
      assertThat(detector.stopCause()).as("waits for the registry instead of failing").isEmpty();

      registry.heal();
      detector.awaitRunning(Duration.ofSeconds(60));
      awaitSignatureDevices(settings, 3);
      await().atMost(Duration.ofSeconds(30)).until(() -> health(detector.httpPort()).statusCode() == 200);
    }
    assertThat(committed(settings.topics().deadLetters())).isEmpty();
  }

  @Test
  void shouldDeadLetterUnknownSchemaIdsAndProcessTheGoodRecordsBehindThem() throws Exception {
    DetectorSettings settings = settings("unknown-ids-" + UUID.randomUUID());
    String topic = settings.topics().crashReports();
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      TestDevices.heartbeatFrom(CLUSTER.producerConfig(), settings, detector, 3);

      produce(topic, "device-0", serialized(settings, TestDevices.crash("device-0")));
      for (int unknownId : new int[] {900_001, 900_002, 900_001}) {
        produce(topic, "forged", withSchemaId(unknownId));
      }
      produce(topic, "device-1", serialized(settings, TestDevices.crash("device-1")));
      produce(topic, "device-2", serialized(settings, TestDevices.crash("device-2")));

      awaitSignatureDevices(settings, 3);
      List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
      try (var consumer = new KafkaConsumer<>(CLUSTER.readCommittedConsumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(settings.topics().deadLetters()));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
          return dead.size() >= 3;
        });
      }
      assertThat(dead).extracting(r -> header(r, "crashwatch.error.reason")).containsOnly("unknown-schema-id");
      assertThat(dead).extracting(ConsumerRecord::value)
          .containsExactly(withSchemaId(900_001), withSchemaId(900_002), withSchemaId(900_001));
      assertThat(detector.stopCause()).isEmpty();
    }
    // One lookup and its one repeat (a registry replica may lag); the second record with the id costs nothing.
    assertThat(registry.requestCount("/schemas/ids/900001")).isEqualTo(2);
  }

  private DetectorSettings settings(String run) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", CLUSTER.bootstrapServers());
    values.put("schema.registry.url", registry.url());
    values.put("schema.registry.retries", "1");
    values.put("schema.registry.retry.backoff.ms", "50");
    values.put("application.id", "crashwatch-it-" + run);
    values.put("state.dir", stateDir.toString());
    values.put("num.stream.threads", "1");
    // A restarted detector gets its partitions once the stopped one's session expires: keep it short.
    values.put("consumer.session.timeout.ms", "6000");
    values.put("http-port", "0");
    values.put("topic-partitions", "1");
    values.putAll(TopicNames.settingsUnder(run));
    values.put("kill-switch-signing-key", TestKeys.signingKeyFile());
    return DetectorSettings.from(values);
  }


  /** The record as an agent writes it, registering its schema while the registry still answers. */
  private static byte[] serialized(DetectorSettings settings, CrashReport report) {
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
    return topics.crashReports.valueSerde().serializer().serialize(topics.crashReports.name(), report);
  }

  /** Confluent framing with a schema id no registry has, and a body. */
  private static byte[] withSchemaId(int id) {
    return ByteBuffer.allocate(7).put((byte) 0).putInt(id).put((byte) 2).put((byte) 4).array();
  }

  private static void produce(String topic, String key, byte[] value) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    try (var producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value)).get();
    }
  }

  private static void awaitSignatureDevices(DetectorSettings settings, int devices) {
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
    Map<String, SignatureCount> latest = new HashMap<>();
    try (var consumer = new KafkaConsumer<>(CLUSTER.readCommittedConsumerConfig(), new StringDeserializer(),
        topics.crashSignatures.valueSerde().deserializer())) {
      consumer.subscribe(List.of(topics.crashSignatures.name()));
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
        SignatureCount c = latest.get("channel-291/r41/0x50/csagent.sys");
        return c != null && c.getDevices() == devices;
      });
    }
  }

  /** Every committed record of a single-partition topic, read up to its end (the detector has stopped). */
  private static List<ConsumerRecord<byte[], byte[]>> committed(String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    TopicPartition partition = new TopicPartition(topic, 0);
    try (var consumer = new KafkaConsumer<>(CLUSTER.readCommittedConsumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return consumer.position(partition) >= end;
      });
    }
    return records;
  }

  private static HttpResponse<String> health(int port) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }


}
