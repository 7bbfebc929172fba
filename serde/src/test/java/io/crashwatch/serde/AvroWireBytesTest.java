package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.PROBE;
import static io.crashwatch.serde.Fixtures.TOPIC;
import static io.crashwatch.serde.Fixtures.bytes;
import static io.crashwatch.serde.Fixtures.hex;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.Heartbeat;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact bytes against the Confluent wire format and the Avro binary spec, computed by hand:
 * ints and longs are zigzag varints, strings a zigzag length then UTF-8, a union its branch index then
 * the value, a map blocks of (count, key/value pairs) ended by 0.
 */
class AvroWireBytesTest {

  private final String scope = Fixtures.newScope();

  @AfterEach
  void dropScope() {
    MockSchemaRegistryClient.dropScope(scope);
  }

  @Test
  void shouldWriteConfluentFramingAndAvroBinaryByteForByte() {
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
    serializer.configure(Fixtures.mockConfig(scope), false);

    byte[] bytes = serializer.serialize(TOPIC, Fixtures.probe("dev-1", -3, 300, true, "hi"));

    assertThat(MockSchemaRegistryClient.forScope(scope).getId(TOPIC + "-value", PROBE)).isEqualTo(1);
    assertThat(hex(bytes)).isEqualTo(
        "00" // magic byte
            + "00000001" // schema id 1, big-endian
            + "0a" + "6465762d31" // id: length 5 (zigzag 10), "dev-1"
            + "05" // count: -3 zigzags to 5
            + "d804" // total: 300 zigzags to 600 = 0b100_1011000 -> 0xd8 (low 7 bits + more), 0x04
            + "01" // ok: true
            + "02" + "04" + "6869"); // note: union branch 1 (zigzag 2), length 2, "hi"
  }

  @Test
  void shouldReadRecordFramedAsConfluentsSerializerWritesIt() {
    MockSchemaRegistryClient.forScope(scope).register(TOPIC + "-value", PROBE);
    byte[] confluentBytes = bytes("00 00000001" // magic byte, schema id 1
        + " 02 78" // id: "x"
        + " 8001" // count: 64 zigzags to 128 -> 0x80 (0 + more), 0x01
        + " 01" // total: -1 zigzags to 1
        + " 00" // ok: false
        + " 00"); // note: union branch 0, null

    AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>();
    deserializer.configure(Fixtures.mockConfig(scope), false);
    GenericRecord record = deserializer.deserialize(TOPIC, confluentBytes);

    assertThat(record.getSchema()).isEqualTo(PROBE);
    assertThat(record.get("id")).isEqualTo(new Utf8("x"));
    assertThat(record.get("count")).isEqualTo(64);
    assertThat(record.get("total")).isEqualTo(-1L);
    assertThat(record.get("ok")).isEqualTo(false);
    assertThat(record.get("note")).isNull();
  }

  @Test
  void shouldPinHeartbeatBytesAndReadThemBackAsHeartbeat() {
    SpecificAvroSerde<Heartbeat> serde = new SpecificAvroSerde<>();
    serde.configure(Fixtures.mockConfig(scope), false);
    Heartbeat heartbeat = Fixtures.heartbeat("d1");

    byte[] bytes = serde.serializer().serialize(TOPIC, heartbeat);

    assertThat(hex(bytes)).isEqualTo("00" + "00000001"
        + "04" + "6431" // deviceId "d1"
        + "02" + "66" // fleetId "f"
        + "d00f" // sentAt 1000 ms: zigzag 2000 = 0x7d0 -> 0xd0, 0x0f
        + "02" + "62" // bootId "b"
        + "c0a907" // uptimeMs 60000: zigzag 120000 = 0x1d4c0 -> 0xc0, 0xa9, 0x07
        + "0a" + "3236313030" // osBuild "26100"
        + "02" + "0c" + "73656e736f72" + "08" + "372e3131" + "00" // components: 1 entry sensor -> 7.11, end
        + "04" // reason BOOT: enum index 2
        + "01" // previousShutdownUnclean true
        + "00"); // agentVersion: union branch 0, null
    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(heartbeat);
  }
}
