package io.crashwatch.serde;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serializer and deserializer sharing one registry client and its caches. Kafka Streams does not
 * configure serdes passed to {@code Consumed.with} and the like, so callers do; configuring again with
 * the same settings changes nothing.
 */
abstract class BaseAvroSerde<T> implements Serde<T> {

  private final SchemaRegistryClient injectedClient;
  private final boolean specificReader;
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  BaseAvroSerde(SchemaRegistryClient injectedClient, boolean specificReader) {
    this.injectedClient = injectedClient;
    this.specificReader = specificReader;
    this.serializer = injectedClient == null ? new AvroSerializer<>() : new AvroSerializer<>(injectedClient);
    this.deserializer = injectedClient == null ? new AvroDeserializer<>() : new AvroDeserializer<>(injectedClient);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    Map<String, Object> withReader = new HashMap<>(configs);
    withReader.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, specificReader);
    AvroSerdeConfig config = AvroSerdeConfig.of(withReader);
    if (serializer.isConfiguredAs(config, isKey) && deserializer.isConfiguredAs(config)) {
      return;
    }
    SchemaRegistryClient client = injectedClient != null ? injectedClient : SchemaRegistryClients.create(config);
    serializer.configure(config, isKey, client);
    deserializer.configure(config, client);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
