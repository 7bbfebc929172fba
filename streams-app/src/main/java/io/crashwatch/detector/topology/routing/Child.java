package io.crashwatch.detector.topology.routing;

import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A named child of a processor that sends more than one type of record on. The processor forwards
 * each type to its own child by name, so nothing downstream sorts records by type, and
 * {@link #forward} takes only this child's type.
 *
 * @param name the child's node name: the topology test locks it
 */
public record Child<V>(String name, Class<V> type) {

  public void forward(ProcessorContext<String, ? super V> context, Record<String, V> record) {
    context.forward(record, name);
  }

  /**
   * The child node, typed, downstream of the processor's {@code output}. It passes on what the
   * processor forwarded to it by name; only {@link #forward} sends it anything, so the cast holds.
   */
  public KStream<String, V> of(KStream<String, ?> output) {
    return output.mapValues(type::cast, Named.as(name));
  }
}
