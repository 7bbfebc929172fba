package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.schemas.Heartbeat;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class AvroSerializerTest {

  private static final String SUBJECT = TOPIC + "-value";
  private static final Map<String, Object> DEFAULTS = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://unused");

  private final MockSchemaRegistryClient registry = new MockSchemaRegistryClient();
  private final CountingClient client = new CountingClient(registry);

  @Test
  void shouldRegisterUnderTopicNameSubjects() {
    new AvroSerializer<Heartbeat>(client, DEFAULTS).serialize(TOPIC, Fixtures.heartbeat("d1"));
    AvroSerializer<Heartbeat> keySerializer = new AvroSerializer<>(client);
    keySerializer.configure(DEFAULTS, true);
    keySerializer.serialize("crashwatch.keys", Fixtures.heartbeat("d1"));

    assertThat(registry.subjects()).containsExactly("crashwatch.heartbeats-value", "crashwatch.keys-key");
  }

  @Test
  void shouldAskRegistryOncePerTopicAndSchema() {
    AvroSerializer<Heartbeat> serializer = new AvroSerializer<>(client, DEFAULTS);

    for (int i = 0; i < 1000; i++) {
      serializer.serialize(TOPIC, Fixtures.heartbeat("d" + i));
    }
    assertThat(client.calls).hasValue(1);

    serializer.serialize("other-topic", Fixtures.heartbeat("d1"));
    assertThat(client.calls).hasValue(2);
  }

  @Test
  void shouldOnlyLookUpWhenAutoRegisterIsOff() {
    Map<String, Object> lookupOnly = Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://unused",
        AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false");
    AvroSerializer<Heartbeat> serializer = new AvroSerializer<>(client, lookupOnly);

    assertThatThrownBy(() -> serializer.serialize(TOPIC, Fixtures.heartbeat("d1")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'crashwatch.heartbeats'")
        .hasMessageContaining("subject 'crashwatch.heartbeats-value'")
        .hasMessageContaining("40401");
    assertThat(registry.subjects()).isEmpty();

    registry.register("unrelated-value", Fixtures.PROBE);
    int id = registry.register(SUBJECT, Heartbeat.getClassSchema());
    assertThat(Fixtures.hex(serializer.serialize(TOPIC, Fixtures.heartbeat("d1")))).startsWith("0000000002");
    assertThat(id).isEqualTo(2);
  }

  @Test
  void shouldUseLatestVersionWithSameEncodingAsIs() throws IOException {
    Schema fromAvsc; // the registered source of truth lacks the generated class's avro.java.string hints
    try (InputStream avsc = Heartbeat.class.getResourceAsStream("/avro/Heartbeat.avsc")) {
      fromAvsc = new Schema.Parser().parse(avsc);
    }
    registry.register("unrelated-value", Fixtures.PROBE);
    registry.register(SUBJECT, fromAvsc);
    Heartbeat heartbeat = Fixtures.heartbeat("d1");

    byte[] latest = new AvroSerializer<Heartbeat>(client, useLatest()).serialize(TOPIC, heartbeat);
    byte[] own = new AvroSerializer<Heartbeat>(new MockSchemaRegistryClient(), DEFAULTS).serialize(TOPIC, heartbeat);

    assertThat(fromAvsc).isNotEqualTo(Heartbeat.getClassSchema());
    assertThat(Fixtures.hex(latest)).startsWith("0000000002");
    assertThat(Arrays.copyOfRange(latest, 5, latest.length)).isEqualTo(Arrays.copyOfRange(own, 5, own.length));
    assertThat(registry.subjects()).as("nothing registered").containsExactly("crashwatch.heartbeats-value", "unrelated-value");
  }

  @Test
  void shouldEncodeRecordInNewerLatestSchema() {
    Schema newer = SchemaBuilder.record("Thing").fields()
        .requiredString("id").name("size").type().intType().intDefault(42).endRecord();
    Schema older = SchemaBuilder.record("Thing").fields().requiredString("id").endRecord();
    registry.register(SUBJECT, newer);
    GenericRecord record = new GenericData.Record(older);
    record.put("id", "a");

    byte[] bytes = new AvroSerializer<GenericRecord>(client, useLatest()).serialize(TOPIC, record);
    GenericRecord read = new AvroDeserializer<GenericRecord>(client, DEFAULTS).deserialize(TOPIC, bytes);

    assertThat(read.getSchema()).isEqualTo(newer);
    assertThat(read.get("id")).isEqualTo(new Utf8("a"));
    assertThat(read.get("size")).isEqualTo(42);
  }

  @Test
  void shouldRefuseLatestSchemaThatCannotReadTheRecord() {
    registry.register(SUBJECT, SchemaBuilder.record("Thing").fields()
        .requiredString("id").requiredInt("size").endRecord());
    GenericRecord record = new GenericData.Record(
        SchemaBuilder.record("Thing").fields().requiredString("id").endRecord());
    record.put("id", "a");

    assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(client, useLatest()).serialize(TOPIC, record))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'crashwatch.heartbeats'")
        .hasMessageContaining("latest version 1 (id 1) of subject 'crashwatch.heartbeats-value' cannot read it")
        .hasMessageContaining("size");
  }

  @Test
  void shouldNameTopicAndSchemaWhenRecordIsInvalid() {
    GenericRecord incomplete = Fixtures.probe(null, 1, 1, true, null);

    assertThatThrownBy(() -> new AvroSerializer<GenericRecord>(client, DEFAULTS).serialize(TOPIC, incomplete))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("schema io.crashwatch.test.Probe for topic 'crashwatch.heartbeats' with schema id 1");
  }

  @Test
  void shouldRejectValuesThatAreNotAvro() {
    AvroSerializer<Object> serializer = new AvroSerializer<>(client, DEFAULTS);

    assertThatThrownBy(() -> serializer.serialize(TOPIC, "text"))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("java.lang.String");
  }

  @Test
  void shouldWriteNullAsNull() {
    assertThat(new AvroSerializer<Heartbeat>(client, DEFAULTS).serialize(TOPIC, null)).isNull();
    assertThat(client.calls).hasValue(0);
  }

  @Test
  void shouldRequireConfigureBeforeUse() {
    assertThatThrownBy(() -> new AvroSerializer<Heartbeat>(client).serialize(TOPIC, Fixtures.heartbeat("d1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("configure");
  }

  @Test
  void shouldSerializeFromManyThreadsAtOnce() throws Exception {
    AvroSerializer<Heartbeat> serializer = new AvroSerializer<>(client, DEFAULTS);
    AvroDeserializer<Heartbeat> deserializer = new AvroDeserializer<>(client,
        Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://unused", AvroSerdeConfig.SPECIFIC_AVRO_READER, true));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String prefix = "t" + t + "-";
        workers.add(pool.submit(() -> {
          for (int i = 0; i < 2000; i++) {
            Heartbeat heartbeat = Fixtures.heartbeat(prefix + i);
            assertThat(deserializer.deserialize(TOPIC, serializer.serialize(TOPIC, heartbeat))).isEqualTo(heartbeat);
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static Map<String, Object> useLatest() {
    return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://unused",
        AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, false, AvroSerdeConfig.USE_LATEST_VERSION, true);
  }
}
