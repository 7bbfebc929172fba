package io.crashwatch.serde;

import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;

/** Serde of generated Avro classes: configure sets {@code specific.avro.reader=true}, as Confluent's does. */
public class SpecificAvroSerde<T extends SpecificRecord> extends BaseAvroSerde<T> {

  public SpecificAvroSerde() {
    super(null, true);
  }

  public SpecificAvroSerde(SchemaRegistryClient client) {
    super(Objects.requireNonNull(client, "client"), true);
  }
}
