package io.crashwatch.serde;

import java.util.Objects;
import org.apache.avro.generic.GenericRecord;

/** Serde of GenericRecords, read in the writer's schema: configure sets {@code specific.avro.reader=false}. */
public class GenericAvroSerde extends BaseAvroSerde<GenericRecord> {

  public GenericAvroSerde() {
    super(null, false);
  }

  public GenericAvroSerde(SchemaRegistryClient client) {
    super(Objects.requireNonNull(client, "client"), false);
  }
}
