package io.crashwatch.detector.topology.device;

import io.crashwatch.detector.topology.format.StateFormatException;
import java.nio.ByteBuffer;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A format byte and two longs, for a record written to a store for many devices or many events.
 * Format 1 is the first with the byte; the previous format, the two longs alone (16 bytes), is still
 * read, so state written before the upgrade survives it.
 */
final class LongPairSerde<T> implements Serde<T> {
  private static final byte FORMAT = 1;
  private static final int PREVIOUS_FORMAT_LENGTH = 16;

  /** Builds the record back from its two longs. */
  interface Factory<T> {
    T of(long first, long second);
  }

  private final ToLongFunction<T> first;
  private final ToLongFunction<T> second;
  private final Factory<T> factory;

  LongPairSerde(ToLongFunction<T> first, ToLongFunction<T> second, Factory<T> factory) {
    this.first = first;
    this.second = second;
    this.factory = factory;
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, v) -> v == null ? null
        : ByteBuffer.allocate(17).put(FORMAT).putLong(first.applyAsLong(v)).putLong(second.applyAsLong(v)).array();
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (bytes.length == PREVIOUS_FORMAT_LENGTH) {
        return factory.of(b.getLong(), b.getLong());
      }
      if (bytes.length != PREVIOUS_FORMAT_LENGTH + 1) {
        throw new SerializationException("Corrupt two-long record of " + bytes.length + " bytes in " + topic);
      }
      byte format = b.get();
      if (format != FORMAT) {
        throw new StateFormatException("A two-long record in " + topic + " was written in format " + format
            + "; this detector reads formats 0 and " + FORMAT);
      }
      return factory.of(b.getLong(), b.getLong());
    };
  }
}
