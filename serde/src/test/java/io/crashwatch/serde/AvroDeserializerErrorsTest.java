package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.TOPIC;
import static io.crashwatch.serde.Fixtures.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every way a record cannot be read ends in a SerializationException that says where and which schema. */
class AvroDeserializerErrorsTest {

  private final String scope = Fixtures.newScope();
  private final AvroDeserializer<Object> deserializer = new AvroDeserializer<>();

  AvroDeserializerErrorsTest() {
    deserializer.configure(Fixtures.mockConfig(scope), false);
  }

  @AfterEach
  void dropScope() {
    MockSchemaRegistryClient.dropScope(scope);
  }

  @Test
  void shouldNameTopicAndIdForUnknownSchemaId() {
    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes("00 0000002a 02")))
        .isInstanceOf(SerializationException.class)
        .hasMessageStartingWith("Cannot deserialize record from topic 'crashwatch.heartbeats': unknown schema id 42")
        .hasMessageContaining("40403");
  }

  @Test
  void shouldNameRegistryUrlForSchemaIdUnknownToHttpRegistry() throws IOException {
    try (ScriptedRegistryServer registry = ScriptedRegistryServer.start()
        .on("GET", "/schemas/ids/42", 404, "{\"error_code\":40403,\"message\":\"Schema 42 not found\"}")) {
      AvroDeserializer<Object> overHttp =
          new AvroDeserializer<>(new HttpSchemaRegistryClient(AvroSerdeConfig.of(httpConfig(registry.url()))),
              httpConfig(registry.url()));

      assertThatThrownBy(() -> overHttp.deserialize(TOPIC, bytes("00 0000002a 02")))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("topic 'crashwatch.heartbeats'")
          .hasMessageContaining("unknown schema id 42")
          .hasMessageContaining(registry.url() + "/schemas/ids/42")
          .hasMessageContaining("HTTP 404 (error code 40403): Schema 42 not found");
    }
  }

  @Test
  void shouldNotCallAPlain404ForASchemaIdAnUnknownId() throws IOException {
    // Not the registry's own "not found" (no error code 40403): the registry may be down behind a proxy.
    try (ScriptedRegistryServer registry = ScriptedRegistryServer.start()
        .on("GET", "/schemas/ids/42", 404, "<html>Not Found</html>")) {
      AvroDeserializer<Object> overHttp = new AvroDeserializer<>();
      overHttp.configure(httpConfig(registry.url()), false);

      assertThatThrownBy(() -> overHttp.deserialize(TOPIC, bytes("00 0000002a 02")))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("cannot fetch schema id 42")
          .satisfies(e -> assertThat(SchemaRegistryException.in(e)).hasValueSatisfying(
              f -> assertThat(f.isRetryable()).isTrue()));
    }
  }

  @Test
  void shouldKeepTheRefusalOfTheRegistryAsTheCause() throws IOException {
    try (ScriptedRegistryServer registry = ScriptedRegistryServer.start()
        .on("GET", "/schemas/ids/42", 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}")) {
      AvroDeserializer<Object> overHttp = new AvroDeserializer<>();
      overHttp.configure(httpConfig(registry.url()), false);

      assertThatThrownBy(() -> overHttp.deserialize(TOPIC, bytes("00 0000002a 02")))
          .isInstanceOf(SerializationException.class)
          .hasMessageContaining("schema id 42")
          .hasMessageContaining(AvroSerdeConfig.BASIC_AUTH_USER_INFO)
          .satisfies(e -> assertThat(SchemaRegistryException.in(e))
              .hasValueSatisfying(fault -> assertThat(fault.isAuthFailure()).isTrue()));
    }
  }

  @Test
  void shouldRejectWrongMagicByte() {
    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes("07 00000001 02")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'crashwatch.heartbeats'")
        .hasMessageContaining("magic byte 0x07");
  }

  @Test
  void shouldRejectPayloadShorterThanHeader() {
    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, bytes("00 0000")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'crashwatch.heartbeats'")
        .hasMessageContaining("shorter than the 5-byte Confluent header");
  }

  @Test
  void shouldNameTopicAndIdForTruncatedBody() {
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
    serializer.configure(Fixtures.mockConfig(scope), false);
    byte[] whole = serializer.serialize(TOPIC, Fixtures.probe("dev-1", 1, 2, true, "a note"));

    byte[] truncated = Arrays.copyOf(whole, whole.length - 3);

    assertThatThrownBy(() -> deserializer.deserialize(TOPIC, truncated))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'crashwatch.heartbeats'")
        .hasMessageContaining("schema id 1")
        .hasMessageContaining("EOFException");
  }

  @Test
  void shouldNameTopicIdAndUrlWhenRegistryIsDown() throws IOException {
    String url = "http://127.0.0.1:" + ScriptedRegistryServer.closedPort();
    Map<String, Object> config = httpConfig(url);
    AvroDeserializer<Object> offline = new AvroDeserializer<>();
    offline.configure(config, false);

    assertThatThrownBy(() -> offline.deserialize(TOPIC, bytes("00 00000007 02")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'crashwatch.heartbeats'")
        .hasMessageContaining("cannot fetch schema id 7")
        .hasMessageContaining(url + "/schemas/ids/7")
        .hasMessageContaining("gave up after 2 attempts");
  }

  @Test
  void shouldNameSchemaWhenSpecificClassIsMissing() {
    Schema unknown = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"Gone\",\"namespace\":\"io.crashwatch.nowhere\",\"fields\":[]}");
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
    serializer.configure(Fixtures.mockConfig(scope), false);
    byte[] bytes = serializer.serialize(TOPIC, new GenericData.Record(unknown));
    AvroDeserializer<Object> specific = new AvroDeserializer<>();
    specific.configure(Fixtures.mockConfig(scope, AvroSerdeConfig.SPECIFIC_AVRO_READER, "true"), false);

    assertThatThrownBy(() -> specific.deserialize(TOPIC, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("topic 'crashwatch.heartbeats'")
        .hasMessageContaining("schema id 1 is io.crashwatch.nowhere.Gone");
  }

  @Test
  void shouldReturnNullForNullOrEmptyPayload() {
    assertThat(deserializer.deserialize(TOPIC, null)).isNull();
    assertThat(deserializer.deserialize(TOPIC, new byte[0])).isNull();
  }

  private static Map<String, Object> httpConfig(String url) {
    return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url, AvroSerdeConfig.RETRIES, 1,
        AvroSerdeConfig.RETRY_BACKOFF_MS, 1);
  }
}
