package io.crashwatch.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Writes a record of one schema in the encoding of another schema that can read it, by Avro schema
 * resolution: for {@code use.latest.version} when the latest registered schema is not the record's own
 * (e.g. it gained a field with a default). Costs an extra encode and decode per record.
 */
final class ResolvingDatumWriter implements DatumWriter<Object> {

  private final DatumWriter<Object> source;
  private final DatumReader<Object> resolver;
  private final DatumWriter<Object> target;

  ResolvingDatumWriter(DatumWriter<Object> source, Schema sourceSchema, Schema targetSchema) {
    this.source = source;
    this.resolver = new GenericDatumReader<>(sourceSchema, targetSchema);
    this.target = new GenericDatumWriter<>(targetSchema);
  }

  @Override
  public void write(Object datum, Encoder out) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
    source.write(datum, encoder);
    Object resolved = resolver.read(null, DecoderFactory.get().binaryDecoder(buffer.toByteArray(), null));
    target.write(resolved, out);
  }

  @Override
  public void setSchema(Schema schema) {
    throw new UnsupportedOperationException("schemas are fixed at construction");
  }
}
