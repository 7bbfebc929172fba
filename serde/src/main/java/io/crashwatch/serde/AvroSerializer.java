package io.crashwatch.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (GenericRecord or SpecificRecord) in the Confluent wire format, under the subject
 * {@code <topic>-value} ({@code <topic>-key} for keys). The schema id is resolved once per topic and
 * schema ({@link AvroSerdeConfig#AUTO_REGISTER_SCHEMAS register}, else
 * {@link AvroSerdeConfig#USE_LATEST_VERSION latest version}, else lookup); later records cost no registry
 * call. Thread-safe.
 */
public class AvroSerializer<T> implements Serializer<T> {

  /** A thread keeps its buffer for the next record unless one record made it larger than this. */
  private static final int MAX_RETAINED_BUFFER = 1 << 20;

  private final SchemaRegistryClient injectedClient;
  private final ThreadLocal<Buffer> buffers = ThreadLocal.withInitial(Buffer::new);
  private volatile State state;

  /** For Kafka, which instantiates by class name and then calls {@link #configure}. */
  public AvroSerializer() {
    this.injectedClient = null;
  }

  /** Uses this client whatever {@link AvroSerdeConfig#SCHEMA_REGISTRY_URL} says; still needs configure. */
  public AvroSerializer(SchemaRegistryClient client) {
    this.injectedClient = Objects.requireNonNull(client, "client");
  }

  /** A configured value serializer using this client. */
  public AvroSerializer(SchemaRegistryClient client, Map<String, ?> config) {
    this(client);
    configure(config, false);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = AvroSerdeConfig.of(configs);
    if (!isConfiguredAs(config, isKey)) {
      configure(config, isKey, injectedClient != null ? injectedClient : SchemaRegistryClients.create(config));
    }
  }

  boolean isConfiguredAs(AvroSerdeConfig config, boolean isKey) {
    State current = state;
    return current != null && current.config.equals(config) && current.isKey == isKey;
  }

  void configure(AvroSerdeConfig config, boolean isKey, SchemaRegistryClient client) {
    state = new State(client, config, isKey);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    if (data == null) {
      return null;
    }
    if (!(data instanceof GenericContainer record)) {
      throw new SerializationException("Cannot serialize " + data.getClass().getName() + " for topic '" + topic
          + "': expected an Avro GenericContainer (GenericRecord or SpecificRecord)");
    }
    WritePlan plan = configuredState().plan(topic, record);
    Buffer buffer = buffers.get();
    try {
      buffer.out.reset();
      ConfluentWireFormat.writeHeader(buffer.out, plan.schemaId());
      plan.writer().write(record, buffer.encoder);
      buffer.encoder.flush();
      byte[] bytes = buffer.out.toByteArray();
      if (bytes.length > MAX_RETAINED_BUFFER) {
        buffers.remove();
      }
      return bytes;
    } catch (IOException | RuntimeException e) {
      buffers.remove(); // the encoder may still hold part of the failed record
      throw new SerializationException("Cannot serialize record of schema " + record.getSchema().getFullName()
          + " for topic '" + topic + "' with schema id " + plan.schemaId() + ": " + e, e);
    }
  }

  private State configuredState() {
    State current = state;
    if (current == null) {
      throw new IllegalStateException("AvroSerializer is not configured: call configure(config, isKey) first");
    }
    return current;
  }

  /** Per-thread output: encoders are not thread-safe, and reusing them saves an allocation per record. */
  private static final class Buffer {
    final ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
  }

  private record WritePlan(int schemaId, DatumWriter<Object> writer) {}

  /** Which id and writer records of one schema and class get on one topic. */
  private record PlanKey(String topic, Schema schema, Class<?> type) {}

  private static final class State {
    final SchemaRegistryClient client;
    final AvroSerdeConfig config;
    final boolean isKey;
    final ConcurrentMap<PlanKey, WritePlan> plans = new ConcurrentHashMap<>();
    /** Kept for the serializer's life, like Confluent's default: a new version is picked up on restart. */
    final ConcurrentMap<String, RegisteredSchema> latestBySubject = new ConcurrentHashMap<>();

    State(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
      this.client = client;
      this.config = config;
      this.isKey = isKey;
    }

    WritePlan plan(String topic, GenericContainer record) {
      // Schema caches its hash code and equals() checks identity first, so a hit is cheap.
      PlanKey key = new PlanKey(topic, record.getSchema(), record.getClass());
      WritePlan plan = plans.get(key);
      return plan != null ? plan : plans.computeIfAbsent(key, this::newPlan);
    }

    private WritePlan newPlan(PlanKey key) {
      String subject = key.topic() + (isKey ? "-key" : "-value");
      Schema schema = key.schema();
      // The record's own class gives its SpecificData: resolving it from the schema's name would go
      // through Avro's class allow-list (see GeneratedClassData).
      DatumWriter<Object> own = SpecificRecord.class.isAssignableFrom(key.type())
          ? new SpecificDatumWriter<>(schema, SpecificData.getForClass(key.type()))
          : new GenericDatumWriter<>(schema);
      String action = "looking it up under";
      try {
        if (config.autoRegisterSchemas()) {
          action = "registering it under";
          return new WritePlan(client.register(subject, schema), own);
        }
        if (!config.useLatestVersion()) {
          return new WritePlan(client.getId(subject, schema), own);
        }
        action = "fetching the latest version of";
        RegisteredSchema latest = latestBySubject.computeIfAbsent(subject, client::getLatest);
        return new WritePlan(latest.id(), writerFor(latest, schema, own, key.topic()));
      } catch (SchemaRegistryException e) {
        throw new SerializationException("Cannot serialize record of schema " + schema.getFullName()
            + " for topic '" + key.topic() + "': " + action + " subject '" + subject + "' failed: "
            + e.getMessage(), e);
      }
    }

    /** The data must be encoded in the schema whose id goes in the header, here the latest one. */
    private static DatumWriter<Object> writerFor(RegisteredSchema latest, Schema schema, DatumWriter<Object> own,
        String topic) {
      if (SchemaNormalization.toParsingForm(latest.schema()).equals(SchemaNormalization.toParsingForm(schema))) {
        return own; // same binary encoding
      }
      SchemaPairCompatibility compatibility =
          SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema);
      if (compatibility.getType() != SchemaCompatibilityType.COMPATIBLE) {
        throw new SerializationException("Cannot serialize record of schema " + schema.getFullName()
            + " for topic '" + topic + "': the latest version " + latest.version() + " (id " + latest.id()
            + ") of subject '" + latest.subject() + "' cannot read it: "
            + compatibility.getResult().getIncompatibilities().stream()
                .map(i -> i.getMessage() + " at " + i.getLocation())
                .collect(Collectors.joining("; ")));
      }
      return new ResolvingDatumWriter(own, schema, latest.schema());
    }
  }
}
