package io.crashwatch.detector.topology.rejects;

import io.crashwatch.detector.topology.format.StateFormatException;
import io.crashwatch.serde.SchemaRegistryException;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Bytes that do not decode (not Confluent-framed Avro, an unknown schema id): dead-letter them and go
 * on. A registry that cannot be reached or refuses the detector's credentials is no fault of the record:
 * fail, so the stream thread stops without committing and no good record is dead-lettered; the
 * detector's uncaught exception handler decides what happens next.
 */
public final class UndecodableInputHandler implements DeserializationExceptionHandler {
  static final String UNKNOWN_SCHEMA_ID = "unknown-schema-id";
  static final String UNDECODABLE = "undecodable";

  private final DeadLetters deadLetters = new DeadLetters();
  /** Prefix of the topics Kafka Streams made for this application: repartitions the detector wrote. */
  private String internalTopicPrefix;

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetters.configure(configs);
    Object applicationId = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
    internalTopicPrefix = applicationId == null ? null : applicationId + "-";
  }

  @Override
  public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (isInternal(context.topic()) || StateFormatException.in(exception)) {
      // Written by this detector (another version of it): not bad input, and a verdict or an operator's
      // HALT may be in it. Stop without committing; the stop cause names the format it could not read.
      return Response.fail();
    }
    Optional<SchemaRegistryException> fault = SchemaRegistryException.in(exception);
    if (fault.isPresent() && (fault.get().isRetryable() || fault.get().isAuthFailure())) {
      return Response.fail();
    }
    return Response.resume(deadLetters.reject(context, record.key(), record.value(), exception, reason(exception, fault)));
  }

  private boolean isInternal(String topic) {
    return internalTopicPrefix != null && topic.startsWith(internalTopicPrefix);
  }

  /** A typed refusal (e.g. a record of another type on the topic) names its own reason. */
  private static String reason(Exception exception, Optional<SchemaRegistryException> fault) {
    if (exception instanceof InvalidRecordException invalid) {
      return invalid.reason();
    }
    return fault.filter(f -> f.kind() == SchemaRegistryException.Kind.NOT_FOUND).isPresent()
        ? UNKNOWN_SCHEMA_ID
        : UNDECODABLE;
  }
}
