package io.crashwatch.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.FastReaderBuilder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent wire format records written by any Confluent-compatible Avro serializer. With
 * {@link AvroSerdeConfig#SPECIFIC_AVRO_READER} the result is the generated SpecificRecord class named by the writer
 * schema, resolved from whichever version wrote the record; otherwise a GenericRecord in the writer
 * schema. Every failure is a {@link SerializationException} naming the topic and, once read, the schema
 * id; a registry failure is its cause ({@link SchemaRegistryException#in}), so a caller can tell a bad
 * record (unknown schema id) from a registry it cannot use (unavailable, refusing). Thread-safe.
 */
public class AvroDeserializer<T> implements Deserializer<T> {

  private final SchemaRegistryClient injectedClient;
  private final ThreadLocal<BinaryDecoder> decoders = new ThreadLocal<>();
  private volatile State state;

  /** For Kafka, which instantiates by class name and then calls {@link #configure}. */
  public AvroDeserializer() {
    this.injectedClient = null;
  }

  /** Uses this client whatever {@link AvroSerdeConfig#SCHEMA_REGISTRY_URL} says; still needs configure. */
  public AvroDeserializer(SchemaRegistryClient client) {
    this.injectedClient = Objects.requireNonNull(client, "client");
  }

  /** A configured value deserializer using this client. */
  public AvroDeserializer(SchemaRegistryClient client, Map<String, ?> config) {
    this(client);
    configure(config, false);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = AvroSerdeConfig.of(configs);
    if (!isConfiguredAs(config)) {
      configure(config, injectedClient != null ? injectedClient : SchemaRegistryClients.create(config));
    }
  }

  boolean isConfiguredAs(AvroSerdeConfig config) {
    State current = state;
    return current != null && current.config.equals(config);
  }

  void configure(AvroSerdeConfig config, SchemaRegistryClient client) {
    state = new State(client, config);
  }

  @Override
  public T deserialize(String topic, byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    State current = state;
    if (current == null) {
      throw new IllegalStateException("AvroDeserializer is not configured: call configure(config, isKey) first");
    }
    int schemaId;
    try {
      schemaId = ConfluentWireFormat.readSchemaId(bytes);
    } catch (SerializationException e) {
      throw failure(topic, e.getMessage(), e);
    }
    DatumReader<Object> reader = current.reader(topic, schemaId);
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, ConfluentWireFormat.HEADER_SIZE,
          bytes.length - ConfluentWireFormat.HEADER_SIZE, decoders.get());
      decoders.set(decoder);
      @SuppressWarnings("unchecked")
      T record = (T) reader.read(null, decoder);
      return record;
    } catch (IOException | RuntimeException e) {
      throw failure(topic, "schema id " + schemaId + ": malformed Avro body (" + e + ")", e);
    }
  }

  private static SerializationException failure(String topic, String detail, Throwable cause) {
    return new SerializationException("Cannot deserialize record from topic '" + topic + "': " + detail, cause);
  }

  private static final class State {
    final SchemaRegistryClient client;
    final AvroSerdeConfig config;
    /** Readers are thread-safe (Avro keeps resolvers per thread), so one per writer schema id. */
    final ConcurrentMap<Integer, DatumReader<Object>> readers = new ConcurrentHashMap<>();

    State(SchemaRegistryClient client, AvroSerdeConfig config) {
      this.client = client;
      this.config = config;
    }

    DatumReader<Object> reader(String topic, int schemaId) {
      DatumReader<Object> reader = readers.get(schemaId);
      if (reader == null) {
        reader = newReader(topic, schemaId, writerSchema(topic, schemaId));
        readers.putIfAbsent(schemaId, reader);
      }
      return reader;
    }

    private Schema writerSchema(String topic, int schemaId) {
      try {
        return client.getById(schemaId);
      } catch (SchemaRegistryException e) {
        // The registry fault stays the cause: whether the record is to blame depends on its kind.
        String problem = e.kind() == SchemaRegistryException.Kind.NOT_FOUND ? "unknown" : "cannot fetch";
        throw failure(topic, problem + " schema id " + schemaId + " (registry: " + e.getMessage() + ")", e);
      } catch (RuntimeException e) {
        throw failure(topic, "cannot use schema id " + schemaId + " (" + e + ")", e);
      }
    }

    private DatumReader<Object> newReader(String topic, int schemaId, Schema writer) {
      try {
        return fastReader(topic, schemaId, writer);
      } catch (IOException e) {
        throw failure(topic, "cannot resolve schema id " + schemaId + " (" + e.getMessage() + ")", e);
      }
    }

    private DatumReader<Object> fastReader(String topic, int schemaId, Schema writer) throws IOException {
      if (!config.specificAvroReader() || writer.getType() != Schema.Type.RECORD) {
        return FastReaderBuilder.get().createDatumReader(writer);
      }
      Class<?> type = new GeneratedClassData(SpecificData.get()).getClass(writer);
      if (type == null) {
        throw failure(topic, "schema id " + schemaId + " is " + writer.getFullName()
            + ", but no Avro-generated class of that name is on the classpath ("
            + AvroSerdeConfig.SPECIFIC_AVRO_READER + "=true)", null);
      }
      // The generated class's schema is the reader schema: Avro resolves fields added or removed since.
      SpecificData model = SpecificData.getForClass(type);
      // Avro's fast reader resolves writer against reader once, not per record: about twice as fast.
      return new FastReaderBuilder(new GeneratedClassData(model)).createDatumReader(writer, model.getSchema(type));
    }
  }
}
