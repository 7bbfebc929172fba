package io.crashwatch.serde;

import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Schemas and records shared by the tests. */
final class Fixtures {

  static final String TOPIC = "crashwatch.heartbeats";

  /** A small schema covering the primitive encodings the byte-level tests pin. */
  static final Schema PROBE = new Schema.Parser().parse("""
      {"type": "record", "name": "Probe", "namespace": "io.crashwatch.test", "fields": [
        {"name": "id", "type": "string"},
        {"name": "count", "type": "int"},
        {"name": "total", "type": "long"},
        {"name": "ok", "type": "boolean"},
        {"name": "note", "type": ["null", "string"], "default": null}
      ]}""");

  private Fixtures() {}

  static GenericRecord probe(String id, int count, long total, boolean ok, String note) {
    GenericRecord record = new GenericData.Record(PROBE);
    record.put("id", id);
    record.put("count", count);
    record.put("total", total);
    record.put("ok", ok);
    record.put("note", note);
    return record;
  }

  static Heartbeat heartbeat(String deviceId) {
    return Heartbeat.newBuilder()
        .setDeviceId(deviceId)
        .setFleetId("f")
        .setSentAt(Instant.ofEpochMilli(1000))
        .setBootId("b")
        .setUptimeMs(60_000)
        .setOsBuild("26100")
        .setComponents(Map.of("sensor", "7.11"))
        .setReason(HeartbeatReason.BOOT)
        .setPreviousShutdownUnclean(true)
        .setAgentVersion(null)
        .build();
  }

  /** A fresh, unshared mock:// scope; drop it after the test. */
  static String newScope() {
    return "test-" + UUID.randomUUID();
  }

  static Map<String, Object> mockConfig(String scope, Object... keysAndValues) {
    Map<String, Object> config = new HashMap<>();
    config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://" + scope);
    for (int i = 0; i < keysAndValues.length; i += 2) {
      config.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return config;
  }

  static String hex(byte[] bytes) {
    StringBuilder hex = new StringBuilder();
    for (byte b : bytes) {
      hex.append(String.format("%02x", b));
    }
    return hex.toString();
  }

  static byte[] bytes(String hex) {
    String digits = hex.replace(" ", "");
    byte[] bytes = new byte[digits.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(digits.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}
