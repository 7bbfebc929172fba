package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.SignatureCount;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The detector as an operator runs it: real broker, real HTTP registry, its own topics. */
class DetectorIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path stateDir;

  /** Settings with topic names of their own, so tests sharing the broker do not see each other. */
  private DetectorSettings settings(String run) {
    return settings(run, Map.of());
  }

  private DetectorSettings settings(String run, Map<String, String> more) {
    Map<String, String> values = new HashMap<>(more);
    values.put("bootstrap.servers", CLUSTER.bootstrapServers());
    values.put("schema.registry.url", CLUSTER.schemaRegistryUrl());
    values.put("application.id", "crashwatch-it-" + run);
    values.put("state.dir", stateDir.toString());
    values.put("http-port", "0");
    values.put("topic-partitions", "2");
    values.putAll(TopicNames.settingsUnder(run));
    values.put("kill-switch-signing-key", TestKeys.signingKeyFile());
    return DetectorSettings.from(values);
  }

  @Test
  void shouldProcessAvroInputAndDeadLetterCorruptRecordsOnARealBroker() throws Exception {
    DetectorSettings settings = settings("flow-" + UUID.randomUUID());
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
    try (Detector detector = Detector.start(settings)) {
      detector.awaitRunning(Duration.ofSeconds(60));
      assertThat(health(detector.httpPort())).isEqualTo(200);
      TestDevices.heartbeatFrom(CLUSTER.producerConfig(), settings, detector, 3);

      try (var producer = new KafkaProducer<>(CLUSTER.producerConfig(), new StringSerializer(),
          topics.crashReports.valueSerde().serializer());
         var raw = new KafkaProducer<>(CLUSTER.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
        for (int i = 0; i < 3; i++) {
          String device = "device-" + i;
          producer.send(new ProducerRecord<>(topics.crashReports.name(), device, TestDevices.crash(device)));
        }
        raw.send(new ProducerRecord<>(topics.crashReports.name(), "device-x".getBytes(StandardCharsets.UTF_8),
            new byte[] {7, 0, 0, 0, 99, 1, 2})).get(); // not Confluent's magic byte 0
      }

      Map<String, SignatureCount> latest = new HashMap<>();
      try (var consumer = new KafkaConsumer<>(CLUSTER.readCommittedConsumerConfig(), new StringDeserializer(),
          topics.crashSignatures.valueSerde().deserializer())) {
        consumer.subscribe(List.of(topics.crashSignatures.name()));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
          SignatureCount c = latest.get("channel-291/r41/0x50/csagent.sys");
          return c != null && c.getDevices() == 3;
        });
      }
      List<ConsumerRecord<byte[], byte[]>> dead = new ArrayList<>();
      try (var consumer = new KafkaConsumer<>(CLUSTER.readCommittedConsumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.of(topics.deadLetters));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
          consumer.poll(Duration.ofMillis(200)).forEach(dead::add);
          return !dead.isEmpty();
        });
      }
      String metrics = TestDevices.get(detector.httpPort(), "/metrics");
      assertThat(metrics).contains("crashwatch_dead_letters_total{reason=\"undecodable\"} 1.0",
          "crashwatch_events_total{type=\"crash-report\"} 3.0",
          // Kafka Streams' own metrics, through Micrometer's binder: processing rate, commit latency, lag
          "kafka_stream_thread_process_rate", "kafka_stream_thread_commit_latency_avg",
          "kafka_consumer_fetch_manager_records_lag_max");
      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(r.value()).containsExactly(7, 0, 0, 0, 99, 1, 2);
        assertThat(new String(r.headers().lastHeader("__streams.errors.topic").value(), StandardCharsets.UTF_8))
            .isEqualTo(topics.crashReports.name());
        assertThat(new String(r.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
            .contains("magic byte 0x07");
        assertThat(new String(r.headers().lastHeader("crashwatch.error.reason").value(), StandardCharsets.UTF_8))
            .isEqualTo("undecodable");
      });
    }
  }

  /**
   * A clean stop (SIGTERM: a scale-down, a rolling restart) hands the instance's tasks over at once, to the
   * standbys of the others, instead of leaving them unprocessed until its session times out — which a
   * static member, as the StatefulSet runs it, would otherwise wait for. The session here is a minute, so
   * only leaving the group can empty it within seconds.
   */
  @Test
  void shouldLeaveItsGroupOnACleanStop() throws Exception {
    String run = "leave-" + UUID.randomUUID();
    DetectorSettings settings = settings(run, Map.of("group.instance.id", run + "-0", "session.timeout.ms", "60000"));
    String group = "crashwatch-it-" + run;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
      Detector detector = Detector.start(settings);
      detector.awaitRunning(Duration.ofSeconds(60));
      assertThat(members(admin, group)).isPositive();

      detector.close();

      await().atMost(Duration.ofSeconds(10)).until(() -> members(admin, group) == 0);
    }
  }

  private static int members(Admin admin, String group) throws Exception {
    return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().size();
  }

  @Test
  void shouldRefuseToStartWhenHeartbeatsAndCrashReportsAreNotCoPartitioned() throws Exception {
    DetectorSettings settings = settings("copart-" + UUID.randomUUID());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(settings.topics().heartbeats(), 2, (short) 1),
          new NewTopic(settings.topics().crashReports(), 3, (short) 1))).all().get();
    }

    assertThatThrownBy(() -> Detector.start(settings))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(settings.topics().heartbeats() + "' (2 partitions)")
        .hasMessageContaining(settings.topics().crashReports() + "' (3 partitions)");
  }


  private static int health(int port) throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }



}
