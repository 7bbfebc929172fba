package io.crashwatch.killswitch;

import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.serde.AvroDeserializer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the compacted kill-switch topic from the start into a {@link KillSwitchView}, for a rollout
 * service. Every record is verified on its raw bytes before it is decoded; a record that fails —
 * unsigned, forged, altered, replayed, a tombstone, bytes that do not decode — is counted by reason,
 * logged and skipped, and reading goes on. It reads with {@code assign()}, so it needs no consumer
 * group (and no group ACL), and with {@code isolation.level=read_committed}, so an aborted detector
 * transaction is never acted on. Until it has read the topic to its end the view answers UNKNOWN.
 */
public final class KillSwitchListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KillSwitchListener.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final KafkaConsumer<String, byte[]> consumer;
  private final AvroDeserializer<KillSwitchCommand> values = new AvroDeserializer<>();
  private final String topic;
  private final KillSwitchVerifier verifier;
  private final KillSwitchView view = new KillSwitchView();
  private final Map<RejectedRecord.Reason, AtomicLong> rejected = new EnumMap<>(RejectedRecord.Reason.class);
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;

  /**
   * @param clientConfig {@code bootstrap.servers}, {@code schema.registry.url} and any security settings
   * @param verifier     the detector's public keys
   * @param onCommand    called on the listener's thread for each verified command, shadow ones included
   */
  public KillSwitchListener(Map<String, Object> clientConfig, String topic, KillSwitchVerifier verifier,
                            BiConsumer<String, KillSwitchCommand> onCommand) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(): every instance reads the whole topic
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put("specific.avro.reader", true);
    values.configure(config, false);
    for (RejectedRecord.Reason reason : RejectedRecord.Reason.values()) {
      rejected.put(reason, new AtomicLong());
    }
    this.topic = topic;
    this.verifier = verifier;
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    thread = new Thread(() -> run(onCommand), "kill-switch-listener");
    thread.setDaemon(true);
    thread.start();
  }

  public KillSwitchView view() {
    return view;
  }

  /** Records rejected for this reason so far. */
  public long rejected(RejectedRecord.Reason reason) {
    return rejected.get(reason).get();
  }

  /** Waits until the topic has been read to its end; false when the time ran out first. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run(BiConsumer<String, KillSwitchCommand> onCommand) {
    try {
      Map<TopicPartition, Long> ends = assignAll();
      while (!Thread.currentThread().isInterrupted()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          accept(r, onCommand);
        }
        if (caughtUp.getCount() > 0 && ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          view.caughtUp();
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } finally {
      consumer.close();
    }
  }

  /** Assigns every partition of the topic from its start, once the topic exists; returns their ends now. */
  private Map<TopicPartition, Long> assignAll() {
    List<TopicPartition> partitions = List.of();
    while (partitions.isEmpty()) {
      partitions = consumer.partitionsFor(topic, POLL.multipliedBy(50)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer.endOffsets(partitions);
  }

  private void accept(ConsumerRecord<String, byte[]> r, BiConsumer<String, KillSwitchCommand> onCommand) {
    try {
      long sequence = verifier.verify(r.topic(), r.key(), r.value(), r.headers());
      KillSwitchCommand command = decode(r);
      view.apply(r.key(), sequence, command);
      onCommand.accept(r.key(), command);
    } catch (RejectedRecord e) {
      reject(r, e);
    } catch (RuntimeException e) {
      reject(r, new RejectedRecord(RejectedRecord.Reason.MALFORMED, e.toString()));
    }
  }

  /** Decodes verified bytes; the key must be the target the command is for. */
  private KillSwitchCommand decode(ConsumerRecord<String, byte[]> r) throws RejectedRecord {
    Object value = values.deserialize(r.topic(), r.value());
    if (!(value instanceof KillSwitchCommand command)) {
      throw new RejectedRecord(RejectedRecord.Reason.MALFORMED, "the value is not a KillSwitchCommand");
    }
    if (!Target.of(command).toString().equals(r.key())) {
      throw new RejectedRecord(RejectedRecord.Reason.MALFORMED, "key " + r.key() + " is not the command's target " + Target.of(command));
    }
    return command;
  }

  private void reject(ConsumerRecord<String, byte[]> r, RejectedRecord e) {
    rejected.get(e.reason()).incrementAndGet();
    // Key and message hold whatever the writer put in the key: escaped, so they cannot forge log lines.
    LOG.warn("kill-switch record {}-{}@{} (key {}) rejected: {}", r.topic(), r.partition(), r.offset(),
        printable(r.key()), printable(e.getMessage()));
  }

  private static String printable(String text) {
    return text == null ? null : text.replaceAll("\\p{Cntrl}", "?");
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }
}
