package io.crashwatch.detector;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Test-only: kills the JVM the moment the broker acknowledges a record on the kill-switch topic, i.e.
 * after the broker holds the record but before its transaction can commit. The producer runs
 * {@code onAcknowledgement} from the batch's completion, before the batch's future is done, and
 * {@code commitTransaction} first waits for every outstanding batch's future: a JVM halted here never
 * sends the commit, so the HALT stays in an open transaction that the next detector must abort.
 *
 * <p>Installed in the detector's child JVM through its settings, which Kafka Streams forwards to its
 * producers: {@code producer.interceptor.classes=} this class and {@code producer.}{@value #TOPIC} naming
 * the kill-switch topic.
 */
public final class HaltOnKillSwitchAck implements ProducerInterceptor<Object, Object> {
  /**
   * The topic whose acknowledged records kill the process. Dotted, without a dash: the detector hands
   * such keys to Kafka Streams, where a dashed one would be rejected as an unknown crashwatch setting.
   */
  public static final String TOPIC = "crashwatch.test.halt.on.ack.topic";
  /** Exit status of a process killed here; unlike SIGKILL's 137 it proves this interceptor did it. */
  public static final int EXIT_CODE = 99;

  private String topic;

  @Override
  public void configure(Map<String, ?> configs) {
    Object value = configs.get(TOPIC);
    if (value == null) {
      throw new IllegalArgumentException(TOPIC + " is not set: which topic's acknowledgement should halt the JVM?");
    }
    topic = value.toString();
  }

  @Override
  public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
    return record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
    // Only a record the broker has appended (it has an offset): a failed send proves nothing.
    if (exception == null && metadata != null && metadata.hasOffset() && topic.equals(metadata.topic())) {
      System.err.println("HaltOnKillSwitchAck: " + metadata + " acknowledged, halting before the commit");
      Runtime.getRuntime().halt(EXIT_CODE); // no shutdown hooks: Kafka Streams gets no chance to commit or close
    }
  }

  @Override
  public void close() {
  }
}
