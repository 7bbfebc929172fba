package io.crashwatch.detector.topology.device;

import java.nio.ByteBuffer;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/** Sixteen bytes for a record of two longs, written to a store for many devices or many events. */
final class LongPairSerde<T> implements Serde<T> {
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
        : ByteBuffer.allocate(16).putLong(first.applyAsLong(v)).putLong(second.applyAsLong(v)).array();
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      return factory.of(b.getLong(), b.getLong());
    };
  }
}
