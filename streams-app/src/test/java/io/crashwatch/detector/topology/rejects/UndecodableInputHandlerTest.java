package io.crashwatch.detector.topology.rejects;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.format.StateFormatException;
import io.crashwatch.serde.SchemaRegistryException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Response;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Which undecodable records are the record's fault (dead letter, go on) and which are the registry's
 * (stop without committing, so no good record is dead-lettered).
 */
class UndecodableInputHandlerTest {

  private static final byte[] VALUE = {0, 0, 0, 0, 7, 2};
  private final UndecodableInputHandler handler = new UndecodableInputHandler();

  UndecodableInputHandlerTest() {
    handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "dead-letters",
        StreamsConfig.APPLICATION_ID_CONFIG, "crashwatch-detector"));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 500, 503, 429, 404, 302})
  void shouldStopWithoutADeadLetterWhileTheRegistryIsUnavailable(int status) {
    Response response = handle(registryFault(status, "Schema registry unavailable"));

    assertThat(response.result()).isEqualTo(Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void shouldStopWithoutADeadLetterWhenTheRegistryRefusesTheCredentials(int status) {
    Response response = handle(registryFault(status, "Schema registry refused the credentials"));

    assertThat(response.result()).isEqualTo(Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void shouldDeadLetterAnUnknownSchemaIdAsSuch() {
    Response response = handle(registryFault(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema 7 not found"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(r -> {
      assertThat(r.value()).isEqualTo(VALUE);
      assertThat(reason(r)).isEqualTo("unknown-schema-id");
    });
  }

  @Test
  void shouldDeadLetterOtherUndecodableBytesAsUndecodable() {
    Response response = handle(new SerializationException("Cannot deserialize record: unknown magic byte 0x6e"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).singleElement()
        .satisfies(r -> assertThat(reason(r)).isEqualTo("undecodable"));
  }

  @Test
  void shouldStopOnStateInAFormatItCannotReadRatherThanDropAVerdict() {
    Response response = handle("crashwatch-detector-kill-switch-inputs-repartition",
        new StateFormatException("KillSwitchInput was written in format 3; this detector reads formats 0 and 1"));

    assertThat(response.result()).isEqualTo(Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void shouldStopOnAnyUnreadableRecordOfItsOwnInternalTopics() {
    // The detector wrote it: it is no bad input, and dropping it could drop a HALT.
    Response response = handle("crashwatch-detector-fleet-events-repartition",
        new SerializationException("Cannot read FleetEvent from crashwatch-detector-fleet-events-repartition"));

    assertThat(response.result()).isEqualTo(Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
  }

  @Test
  void shouldKeepADeadLetterOfAHugeValueWritableAndSayWhatWasCut() {
    byte[] huge = new byte[3 * 1024 * 1024]; // an inflated batch can hand a consumer more than a producer may send
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("heartbeats", 0, 1L, new byte[0], huge);

    Response response = handler.handleError(new Context(record), record, new SerializationException("unknown magic byte"));

    assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(r -> {
      assertThat(r.value()).hasSize(DeadLetters.MAX_VALUE_BYTES).isEqualTo(java.util.Arrays.copyOf(huge, DeadLetters.MAX_VALUE_BYTES));
      assertThat(new String(r.headers().lastHeader(DeadLetters.TRUNCATED_HEADER).value(), StandardCharsets.UTF_8))
          .isEqualTo(Integer.toString(huge.length));
      int headerBytes = 0;
      for (var h : r.headers()) {
        headerBytes += h.key().length() + h.value().length;
      }
      assertThat(headerBytes).as("error headers stay small").isLessThan(16 * 1024);
    });
  }

  private Response handle(Exception error) {
    return handle("heartbeats", error);
  }

  private Response handle(String topic, Exception error) {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(topic, 3, 42L, "device-1".getBytes(StandardCharsets.UTF_8), VALUE);
    return handler.handleError(new Context(record), record, error);
  }

  private static SerializationException registryFault(int status, String message) {
    return registryFault(status, SchemaRegistryException.NONE, message);
  }

  private static SerializationException registryFault(int status, int errorCode, String message) {
    return new SerializationException("Cannot deserialize record from topic 'heartbeats': schema id 7",
        new SchemaRegistryException(message, status, errorCode));
  }

  private static String reason(ProducerRecord<byte[], byte[]> deadLetter) {
    return new String(deadLetter.headers().lastHeader(DeadLetters.REASON_HEADER).value(), StandardCharsets.UTF_8);
  }

  private record Context(ConsumerRecord<byte[], byte[]> record) implements ErrorHandlerContext {
    public String topic() {
      return record.topic();
    }

    public int partition() {
      return record.partition();
    }

    public long offset() {
      return record.offset();
    }

    public Headers headers() {
      return new RecordHeaders();
    }

    public String processorNodeId() {
      return "heartbeats-source";
    }

    public TaskId taskId() {
      return new TaskId(0, record.partition());
    }

    public long timestamp() {
      return record.timestamp();
    }

    public byte[] sourceRawKey() {
      return record.key();
    }

    public byte[] sourceRawValue() {
      return record.value();
    }
  }
}
