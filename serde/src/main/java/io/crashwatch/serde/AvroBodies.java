package io.crashwatch.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * A generated record as its bare Avro body, and back, in this build's schema: for a copy a process
 * keeps of what it wrote itself (the detector's latest kill-switch command, to write it again), never
 * for records from the wire, which carry their writer's schema id. Decoding takes generated classes
 * only, as {@link AvroDeserializer} does.
 */
public final class AvroBodies {
  private AvroBodies() {
  }

  public static byte[] encode(SpecificRecordBase record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      new SpecificDatumWriter<SpecificRecordBase>(record.getSchema(), record.getSpecificData()).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode a " + record.getSchema().getFullName() + " in memory", e);
    }
    return out.toByteArray();
  }

  /** @throws IOException when {@code body} is not a {@code type} in this build's schema */
  public static <T extends SpecificRecordBase> T decode(byte[] body, T empty) throws IOException {
    Schema schema = empty.getSchema();
    SpecificDatumReader<T> reader = new SpecificDatumReader<>(schema, schema, new GeneratedClassData(empty.getSpecificData()));
    return reader.read(null, DecoderFactory.get().binaryDecoder(body, null));
  }
}
