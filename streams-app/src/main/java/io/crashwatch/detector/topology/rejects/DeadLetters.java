package io.crashwatch.detector.topology.rejects;

import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the dead-letter record of rejected input: the source record's own key and value bytes and
 * headers, plus headers naming source topic, partition, offset and error — the names Kafka Streams'
 * dead-letter support uses ({@code __streams.errors.*}) and {@code crashwatch.error.reason}, a short
 * stable code to filter on. Counts every reject in {@link DetectorMetrics}.
 */
final class DeadLetters {
  static final String REASON_HEADER = "crashwatch.error.reason";
  static final String TRUNCATED_HEADER = "crashwatch.error.value-truncated";
  /**
   * The most of a rejected value a dead letter carries. A consumer may hand us a value far larger than
   * the producer may send (a compressed batch inflates), and a dead letter that cannot be written
   * would stop the detector on the very record it means to set aside; the original length says what
   * was cut.
   */
  static final int MAX_VALUE_BYTES = 512 * 1024;
  /** Source headers beyond this are not copied: they would make the dead letter unwritable. */
  static final int MAX_SOURCE_HEADER_BYTES = 64 * 1024;
  private static final int MAX_STACK_TRACE_CHARS = 4 * 1024;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private String topic;
  private DetectorMetrics metrics = DetectorMetrics.unserved();

  void configure(Map<String, ?> configs) {
    Object name = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
    topic = name == null ? null : name.toString();
    metrics = DetectorMetrics.from(configs);
  }

  /** Rejects a record that failed validation, with the reason it names. */
  List<ProducerRecord<byte[], byte[]>> reject(ErrorHandlerContext context, byte[] key, byte[] value,
      InvalidRecordException error) {
    return reject(context, key, value, error, error.reason());
  }

  /** @param reason a short stable code, e.g. {@code unknown-schema-id}, for metrics and the header */
  List<ProducerRecord<byte[], byte[]>> reject(ErrorHandlerContext context, byte[] key, byte[] value, Exception error,
      String reason) {
    metrics.deadLetter(reason);
    LOG.warn("Rejected record from {}-{} offset {} ({}): {}", context.topic(), context.partition(), context.offset(),
        reason, error.getMessage());
    if (topic == null) {
      return List.of();
    }
    Header[] source = context.headers().toArray();
    RecordHeaders headers = new RecordHeaders(size(source) <= MAX_SOURCE_HEADER_BYTES ? source : new Header[0]);
    headers.add("__streams.errors.exception", utf8(error.getClass().getName()));
    headers.add("__streams.errors.message", utf8(bounded(String.valueOf(error.getMessage()))));
    headers.add("__streams.errors.stacktrace", utf8(bounded(stackTrace(error))));
    headers.add("__streams.errors.topic", utf8(context.topic()));
    headers.add("__streams.errors.partition", utf8(Integer.toString(context.partition())));
    headers.add("__streams.errors.offset", utf8(Long.toString(context.offset())));
    headers.add(REASON_HEADER, utf8(reason));
    if (size(source) > MAX_SOURCE_HEADER_BYTES) {
      headers.add("crashwatch.error.headers-dropped", utf8(Integer.toString(source.length)));
    }
    byte[] kept = value;
    if (value != null && value.length > MAX_VALUE_BYTES) {
      kept = Arrays.copyOf(value, MAX_VALUE_BYTES);
      headers.add(TRUNCATED_HEADER, utf8(Integer.toString(value.length)));
    }
    byte[] keptKey = key != null && key.length > MAX_SOURCE_HEADER_BYTES ? Arrays.copyOf(key, MAX_SOURCE_HEADER_BYTES) : key;
    return List.of(new ProducerRecord<>(topic, null, keptKey, kept, headers));
  }

  private static int size(Header[] headers) {
    int bytes = 0;
    for (Header h : headers) {
      bytes += h.key().length() + (h.value() == null ? 0 : h.value().length);
    }
    return bytes;
  }

  private static String bounded(String text) {
    return text.length() <= MAX_STACK_TRACE_CHARS ? text : text.substring(0, MAX_STACK_TRACE_CHARS) + "...";
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String stackTrace(Exception e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    return w.toString();
  }
}
