package io.crashwatch.serde;

import java.io.ByteArrayOutputStream;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Confluent's framing of a Kafka record value: magic byte 0, the schema id as 4 bytes big-endian, then
 * the Avro binary encoding of the record.
 */
public final class ConfluentWireFormat {

  public static final byte MAGIC_BYTE = 0;
  /** Bytes before the Avro body. */
  public static final int HEADER_SIZE = 5;

  private ConfluentWireFormat() {}

  public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
    out.write(MAGIC_BYTE);
    out.write(schemaId >>> 24);
    out.write(schemaId >>> 16);
    out.write(schemaId >>> 8);
    out.write(schemaId);
  }

  /** The schema id of a framed payload; the Avro body starts at {@link #HEADER_SIZE}. */
  public static int readSchemaId(byte[] payload) {
    if (payload.length < HEADER_SIZE) {
      throw new SerializationException("payload of " + payload.length + " bytes is shorter than the "
          + HEADER_SIZE + "-byte Confluent header");
    }
    if (payload[0] != MAGIC_BYTE) {
      throw new SerializationException(String.format(
          "unknown magic byte 0x%02x, expected 0x00 (not Confluent wire format)", payload[0] & 0xff));
    }
    return (payload[1] & 0xff) << 24 | (payload[2] & 0xff) << 16 | (payload[3] & 0xff) << 8
        | payload[4] & 0xff;
  }
}
