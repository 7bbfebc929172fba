package io.crashwatch.detector.topology.rejects;

import io.crashwatch.serde.SchemaRegistryException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Bytes that do not decode (not Confluent-framed Avro, an unknown schema id): dead-letter them and go
 * on. A registry that cannot be reached is no fault of the record: fail, so the detector restarts
 * from its committed offsets and loses nothing.
 */
public final class UndecodableInputHandler implements DeserializationExceptionHandler {
  private final DeadLetters deadLetters = new DeadLetters();

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters.configure(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (registryUnavailable(exception)) {
      return Response.fail();
    }
    return Response.resume(deadLetters.reject(context, record.key(), record.value(), exception));
  }

  /** No answer at all, or a server error: the record may be fine. */
  static boolean registryUnavailable(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException e) {
        return e.httpStatus() < 0 || e.httpStatus() >= 500;
      }
    }
    return false;
  }
}
