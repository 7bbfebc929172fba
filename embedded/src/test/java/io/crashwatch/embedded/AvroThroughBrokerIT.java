package io.crashwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.serde.AvroDeserializer;
import io.crashwatch.serde.AvroSerializer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The serde on the real stack: records registered in the embedded HTTP registry, written to the
 * broker, read back by a separate consumer with the project's deserializer — including a record from
 * a newer writer that added a field, which the current reader must still decode.
 */
class AvroThroughBrokerIT {

  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @Test
  void shouldReadBackWhatTheSerializerWroteAcrossSchemaVersions() throws Exception {
    String topic = "avro-roundtrip-" + UUID.randomUUID();
    Instant sentAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Heartbeat current = Heartbeat.newBuilder()
        .setDeviceId("device-1").setFleetId("airline-ops").setSentAt(sentAt).setBootId("boot-1")
        .setUptimeMs(42).setOsBuild("10.0.19045").setComponents(Map.of("channel-291", "r41"))
        .setReason(HeartbeatReason.UPDATE_APPLIED).build();
    GenericRecord newer = newerWriter(sentAt);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }

    try (KafkaProducer<String, Object> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), serializer())) {
      producer.send(new ProducerRecord<>(topic, "device-1", current)).get();
      producer.send(new ProducerRecord<>(topic, "device-2", newer)).get();
    }

    List<Heartbeat> read = new ArrayList<>();
    try (KafkaConsumer<String, Heartbeat> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "roundtrip-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), deserializer())) {
      consumer.subscribe(List.of(topic));
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
        return read.size() == 2;
      });
    }

    assertThat(read.get(0)).isEqualTo(current);
    assertThat(read.get(1).getDeviceId()).isEqualTo("device-2");
    assertThat(read.get(1).getSentAt()).isEqualTo(sentAt);
    assertThat(read.get(1).getComponents()).containsEntry("channel-291", "r42");
  }

  /** A Heartbeat from a future agent: one more field, with a default, so BACKWARD registration accepts it. */
  private static GenericRecord newerWriter(Instant sentAt) {
    Schema v2 = new Schema.Parser().parse(Heartbeat.getClassSchema().toString()
        .replaceFirst("\\]\\}$", ",{\"name\":\"tpmAttested\",\"type\":\"boolean\",\"default\":false}]}"));
    GenericRecord r = new GenericData.Record(v2);
    r.put("deviceId", "device-2");
    r.put("fleetId", "airline-ops");
    r.put("sentAt", sentAt.toEpochMilli());
    r.put("bootId", "boot-7");
    r.put("uptimeMs", 7L);
    r.put("osBuild", "10.0.19045");
    r.put("components", Map.of("channel-291", "r42"));
    r.put("reason", new GenericData.EnumSymbol(v2.getField("reason").schema(), "PERIODIC"));
    r.put("previousShutdownUnclean", false);
    r.put("agentVersion", null);
    r.put("tpmAttested", true);
    return r;
  }

  private static AvroSerializer<Object> serializer() {
    AvroSerializer<Object> s = new AvroSerializer<>();
    s.configure(Map.of("schema.registry.url", CLUSTER.schemaRegistryUrl()), false);
    return s;
  }

  private static AvroDeserializer<Heartbeat> deserializer() {
    AvroDeserializer<Heartbeat> d = new AvroDeserializer<>();
    d.configure(Map.of("schema.registry.url", CLUSTER.schemaRegistryUrl(), "specific.avro.reader", true), false);
    return d;
  }
}
