package io.crashwatch.detector.topology.rejects;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Input that decodes but cannot be used (validation threw): dead-letter it and go on. Any other
 * processing error is a bug and stops the task, rather than silently dropping what may be a halt.
 */
public final class InvalidInputHandler implements ProcessingExceptionHandler {
  private final DeadLetters deadLetters = new DeadLetters();

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters.configure(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
    if (!(exception instanceof InvalidRecordException invalid)) {
      return Response.fail();
    }
    return Response.resume(deadLetters.reject(context, context.sourceRawKey(), context.sourceRawValue(), invalid));
  }
}
