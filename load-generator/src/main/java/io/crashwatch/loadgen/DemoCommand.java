package io.crashwatch.loadgen;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.SignatureCount;
import io.crashwatch.serde.AvroDeserializer;
import io.crashwatch.serde.AvroSerializer;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./crashwatch demo}, first cut: the whole stack on 127.0.0.1 with a small, real flow through
 * it — Avro heartbeats and crash reports in, one corrupt record in, the detector's crash signatures
 * and dead letter out, read with read_committed consumers. The July-19 scenario replaces the flow
 * once the load generator lands.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Starts an embedded Kafka broker, schema registry and the detector on 127.0.0.1 and sends a "
        + "small fleet's heartbeats and crash reports through them.")
final class DemoCommand implements Callable<Integer> {

  @Option(names = "--devices", defaultValue = "50", description = "Simulated devices (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(names = "--crashes", defaultValue = "5", description = "Devices that crash on channel-291 r41 (default: ${DEFAULT-VALUE}).")
  int crashes;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    out.println("crashwatch demo: starting an embedded Kafka broker, schema registry and detector...");
    try (EmbeddedStack stack = EmbeddedStack.start(Map.of())) {
      out.printf("  Kafka broker     %s%n  schema registry  %s%n  detector health  http://127.0.0.1:%d/health%n",
          stack.bootstrapServers(), stack.schemaRegistryUrl(), stack.detectorHttpPort());
      TopicNames topics = stack.settings().topics();
      Instant now = Instant.now();
      try (KafkaProducer<String, SpecificRecord> producer = producer(stack)) {
        for (int i = 0; i < devices; i++) {
          String device = String.format("device-%04d", i);
          producer.send(new ProducerRecord<>(topics.heartbeats(), device, heartbeat(device, now, i < crashes)));
          if (i < crashes) {
            producer.send(new ProducerRecord<>(topics.crashReports(), device, crash(device, now)));
          }
        }
      }
      try (KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        raw.send(new ProducerRecord<>(topics.heartbeats(), "device-corrupt".getBytes(StandardCharsets.UTF_8),
            "this is not Avro".getBytes(StandardCharsets.UTF_8)));
      }
      out.printf("  sent %d Avro heartbeats, %d crash reports and 1 corrupt record%n", devices, crashes);

      Map<String, SignatureCount> signatures = awaitSignatures(stack, topics.crashSignatures());
      signatures.forEach((key, count) -> out.printf("  crash signature  %-45s %d crashes%n", key, count.getCrashes()));
      ConsumerRecord<byte[], byte[]> dead = awaitDeadLetter(stack, topics.deadLetters());
      out.printf("  dead letter      key=%s, %d original bytes, from %s offset %s: %s%n",
          new String(dead.key(), StandardCharsets.UTF_8), dead.value().length,
          header(dead, "__streams.errors.topic"), header(dead, "__streams.errors.offset"),
          header(dead, "__streams.errors.message"));
      out.println("crashwatch demo: done.");
      return 0;
    }
  }

  private Map<String, SignatureCount> awaitSignatures(EmbeddedStack stack, String topic) {
    AvroDeserializer<SignatureCount> values = new AvroDeserializer<>();
    values.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl(), "specific.avro.reader", true), false);
    Map<String, SignatureCount> latest = new HashMap<>();
    try (KafkaConsumer<String, SignatureCount> consumer = new KafkaConsumer<>(consumerConfig(stack), new StringDeserializer(), values)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (latest.values().stream().mapToLong(SignatureCount::getCrashes).max().orElse(0) < crashes) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("No crash signatures from the detector within 60 s");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), r.value()));
      }
    }
    return latest;
  }

  private ConsumerRecord<byte[], byte[]> awaitDeadLetter(EmbeddedStack stack, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(stack),
        new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          return r;
        }
      }
    }
    throw new IllegalStateException("The corrupt record did not reach " + topic + " within 60 s");
  }

  private static Properties consumerConfig(EmbeddedStack stack) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "crashwatch-demo-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return p;
  }

  private static KafkaProducer<String, SpecificRecord> producer(EmbeddedStack stack) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
    return new KafkaProducer<>(config, new StringSerializer(), values);
  }

  private static String header(ConsumerRecord<?, ?> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? "?" : new String(h.value(), StandardCharsets.UTF_8);
  }

  private static Heartbeat heartbeat(String device, Instant now, boolean updated) {
    return Heartbeat.newBuilder()
        .setDeviceId(device).setFleetId("airline-ops").setSentAt(now).setBootId(device + "-boot-1")
        .setUptimeMs(3_600_000).setOsBuild("10.0.19045")
        .setComponents(Map.of("sensor", "7.11.18110", "channel-291", updated ? "r41" : "r40"))
        .setReason(updated ? HeartbeatReason.UPDATE_APPLIED : HeartbeatReason.PERIODIC).build();
  }

  private static CrashReport crash(String device, Instant now) {
    return CrashReport.newBuilder()
        .setReportId(device + "-crash-1").setDeviceId(device).setFleetId("airline-ops").setCrashedAt(now)
        .setBugcheckCode(0x50).setFaultingModule("csagent.sys").setOsBuild("10.0.19045")
        .setComponents(Map.of("sensor", "7.11.18110", "channel-291", "r41")).build();
  }
}
