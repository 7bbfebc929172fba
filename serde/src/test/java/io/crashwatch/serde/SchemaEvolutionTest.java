package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.SreAlert;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Records written with another version of their schema still decode into the generated class. */
class SchemaEvolutionTest {

  /** Heartbeat before previousShutdownUnclean and agentVersion were added. */
  private static final Schema OLDER_HEARTBEAT = new Schema.Parser().parse("""
      {"type": "record", "name": "Heartbeat", "namespace": "io.crashwatch.schemas", "fields": [
        {"name": "deviceId", "type": "string"},
        {"name": "fleetId", "type": "string"},
        {"name": "sentAt", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "bootId", "type": "string"},
        {"name": "uptimeMs", "type": "long"},
        {"name": "osBuild", "type": "string"},
        {"name": "components", "type": {"type": "map", "values": "string"}},
        {"name": "reason", "type": {"type": "enum", "name": "HeartbeatReason",
          "symbols": ["PERIODIC", "UPDATE_APPLIED", "BOOT"]}}
      ]}""");

  /** A future Heartbeat with a field this build does not know. */
  private static final Schema NEWER_HEARTBEAT = withExtraField(Heartbeat.getClassSchema());

  /** A future SreAlert with an alert kind this build does not know. */
  private static final Schema NEWER_ALERT = withAlertKind(SreAlert.getClassSchema(), "SIGNING_KEY_EXPIRING");

  private final String scope = Fixtures.newScope();
  private final AvroSerializer<GenericRecord> writer = new AvroSerializer<>();
  private final AvroDeserializer<Heartbeat> reader = new AvroDeserializer<>();

  SchemaEvolutionTest() {
    writer.configure(Fixtures.mockConfig(scope), false);
    reader.configure(Fixtures.mockConfig(scope, AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
  }

  @AfterEach
  void dropScope() {
    MockSchemaRegistryClient.dropScope(scope);
  }

  @Test
  void shouldFillDefaultsWhenOlderWriterLacksFields() {
    GenericRecord old = new GenericData.Record(OLDER_HEARTBEAT);
    old.put("deviceId", "d1");
    old.put("fleetId", "f");
    old.put("sentAt", 1000L);
    old.put("bootId", "b");
    old.put("uptimeMs", 5L);
    old.put("osBuild", "26100");
    old.put("components", Map.of("sensor", "7.10"));
    old.put("reason", new GenericData.EnumSymbol(OLDER_HEARTBEAT.getField("reason").schema(), "UPDATE_APPLIED"));

    Heartbeat heartbeat = reader.deserialize(TOPIC, writer.serialize(TOPIC, old));

    assertThat(heartbeat.getDeviceId()).isEqualTo("d1");
    assertThat(heartbeat.getSentAt()).isEqualTo(Instant.ofEpochMilli(1000));
    assertThat(heartbeat.getComponents()).isEqualTo(Map.of("sensor", "7.10"));
    assertThat(heartbeat.getReason()).isEqualTo(HeartbeatReason.UPDATE_APPLIED);
    assertThat(heartbeat.getPreviousShutdownUnclean()).isFalse();
    assertThat(heartbeat.getAgentVersion()).isNull();
  }

  @Test
  void shouldSkipFieldsOfNewerWriterUnknownToReader() {
    Heartbeat expected = Fixtures.heartbeat("d2");
    GenericRecord newer = new GenericData.Record(NEWER_HEARTBEAT);
    for (Schema.Field field : Heartbeat.getClassSchema().getFields()) {
      newer.put(field.name(), expected.get(field.pos()));
    }
    newer.put("sentAt", 1000L); // generic records carry the raw long of timestamp-millis
    newer.put("reason", new GenericData.EnumSymbol(NEWER_HEARTBEAT.getField("reason").schema(), "BOOT"));
    newer.put("region", "eu-west");

    assertThat(reader.deserialize(TOPIC, writer.serialize(TOPIC, newer))).isEqualTo(expected);
  }

  @Test
  void shouldReadAnAlertKindAddedLaterAsTheEnumsDefault() {
    AvroDeserializer<SreAlert> alerts = new AvroDeserializer<>();
    alerts.configure(Fixtures.mockConfig(scope, AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
    GenericRecord newer = new GenericData.Record(NEWER_ALERT);
    newer.put("alertId", "signing-key-expiring/1");
    newer.put("kind", symbol(NEWER_ALERT, "kind", "SIGNING_KEY_EXPIRING"));
    newer.put("severity", symbol(NEWER_ALERT, "severity", "CRITICAL"));
    newer.put("status", symbol(NEWER_ALERT, "status", "FIRING"));
    newer.put("summary", "The signing key expires in a week.");
    newer.put("labels", Map.of());
    newer.put("startsAt", 1000L);

    SreAlert alert = alerts.deserialize("crashwatch.alerts", writer.serialize("crashwatch.alerts", newer));

    assertThat(alert.getKind()).isEqualTo(AlertKind.UNKNOWN);
    assertThat(alert.getAlertId()).isEqualTo("signing-key-expiring/1");
    assertThat(alert.getSummary()).isEqualTo("The signing key expires in a week.");
  }

  private static GenericData.EnumSymbol symbol(Schema record, String field, String symbol) {
    return new GenericData.EnumSymbol(record.getField(field).schema(), symbol);
  }

  private static Schema withExtraField(Schema schema) {
    return copy(schema, Schema.Field::schema, new Schema.Field("region", Schema.create(Schema.Type.STRING), null, "unknown"));
  }

  private static Schema withAlertKind(Schema alert, String kind) {
    Schema kinds = alert.getField("kind").schema();
    List<String> symbols = new ArrayList<>(kinds.getEnumSymbols());
    symbols.add(kind);
    Schema newer = Schema.createEnum(kinds.getName(), kinds.getDoc(), kinds.getNamespace(), symbols, kinds.getEnumDefault());
    return copy(alert, f -> f.name().equals("kind") ? newer : f.schema());
  }

  /** {@code schema} with each field's schema as {@code fieldSchema} says, and {@code added} fields after them. */
  private static Schema copy(Schema schema, Function<Schema.Field, Schema> fieldSchema, Schema.Field... added) {
    List<Schema.Field> fields = new ArrayList<>();
    schema.getFields().forEach(f -> fields.add(new Schema.Field(f, fieldSchema.apply(f))));
    fields.addAll(List.of(added));
    return Schema.createRecord(schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
  }
}
