package io.crashwatch.killswitch;

import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.KillSwitchLease;
import io.crashwatch.schemas.KillSwitchOverride;
import io.crashwatch.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
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
 * Reads the compacted kill-switch topic and the detector's lease topic from the start into a
 * {@link KillSwitchView}, for a rollout service. Every record is verified on its raw bytes before it
 * is decoded; a record that fails — unsigned, forged, altered, replayed, a tombstone, bytes that do not
 * decode — is counted by reason, logged and skipped, and reading goes on. It reads with
 * {@code assign()}, so it needs no consumer group (and no group ACL), and with
 * {@code isolation.level=read_committed}, so an aborted detector transaction is never acted on. Until it
 * has read both topics to their end, and whenever the detector's lease is stale, the view answers
 * UNKNOWN.
 */
public final class KillSwitchListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KillSwitchListener.class);
  private static final Duration POLL = Duration.ofMillis(100);

  /** After a read fails, how long before trying again. */
  static final Duration RETRY = Duration.ofSeconds(1);
  /** How far behind the detector's this service's clock may be: a lease counts as valid this much longer. */
  public static final Duration DEFAULT_CLOCK_TOLERANCE = Duration.ofSeconds(2);

  private final Consumer<String, byte[]> consumer;
  private final AvroDeserializer<Object> values = new AvroDeserializer<>();
  private final String topic;
  private final String leaseTopic;
  private final KillSwitchVerifier verifier;
  private final KillSwitchVerifier breakGlass;
  private final KillSwitchView view;
  private final Map<RejectedRecord.Reason, AtomicLong> rejected = new EnumMap<>(RejectedRecord.Reason.class);
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final Thread thread;

  /**
   * How a listener judges what it reads besides the detector's signatures.
   *
   * @param clockTolerance how far behind the detector's this service's clock may be: a lease counts as
   *                       valid this much longer
   * @param breakGlass     the operators' public keys whose break-glass overrides this service obeys; null:
   *                       none (every override is refused as UNKNOWN_KEY)
   */
  public record Options(Duration clockTolerance, KillSwitchVerifier breakGlass) {
    public static Options defaults() {
      return new Options(DEFAULT_CLOCK_TOLERANCE, null);
    }

    public Options withClockTolerance(Duration tolerance) {
      return new Options(tolerance, breakGlass);
    }

    public Options withBreakGlass(KillSwitchVerifier operators) {
      return new Options(clockTolerance, operators);
    }
  }

  /**
   * With the {@link Options#defaults()}: a clock tolerance of {@link #DEFAULT_CLOCK_TOLERANCE}, no break glass.
   *
   * @param clientConfig {@code bootstrap.servers}, {@code schema.registry.url} and any security settings
   * @param topic        the kill switch ({@code kill-switch-topic})
   * @param leaseTopic   the detector's leases ({@code kill-switch-lease-topic})
   * @param verifier     the detector's public keys
   * @param onCommand    called on the listener's thread for each verified command, shadow ones included
   */
  public KillSwitchListener(Map<String, Object> clientConfig, String topic, String leaseTopic, KillSwitchVerifier verifier,
                            BiConsumer<String, KillSwitchCommand> onCommand) {
    this(clientConfig, topic, leaseTopic, verifier, Options.defaults(), onCommand);
  }

  public KillSwitchListener(Map<String, Object> clientConfig, String topic, String leaseTopic, KillSwitchVerifier verifier,
                            Options options, BiConsumer<String, KillSwitchCommand> onCommand) {
    this(consumerConfig(clientConfig), topic, leaseTopic, verifier, options.breakGlass(), onCommand, null,
        new KillSwitchView(new LeaseView(options.clockTolerance().toMillis()), System::currentTimeMillis));
  }

  /** With {@code consumer} null, a KafkaConsumer of {@code config}; tests give a MockConsumer and a view on their clock. */
  KillSwitchListener(Map<String, Object> config, String topic, String leaseTopic, KillSwitchVerifier verifier,
                     KillSwitchVerifier breakGlass, BiConsumer<String, KillSwitchCommand> onCommand,
                     Consumer<String, byte[]> consumer, KillSwitchView view) {
    this.breakGlass = breakGlass;
    values.configure(config, false);
    for (RejectedRecord.Reason reason : RejectedRecord.Reason.values()) {
      rejected.put(reason, new AtomicLong());
    }
    this.topic = topic;
    this.leaseTopic = leaseTopic;
    this.verifier = verifier;
    this.view = view;
    this.consumer = consumer != null ? consumer
        : new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    thread = new Thread(() -> run(onCommand), "kill-switch-listener");
    thread.setDaemon(true);
    thread.start();
  }

  static Map<String, Object> consumerConfig(Map<String, Object> clientConfig) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG); // assign(): every instance reads the whole topic
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put("specific.avro.reader", true);
    return config;
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

  /**
   * Reads until closed. A read that fails (the broker gone, credentials refused) makes the view
   * UNKNOWN — it may have missed a HALT — until reading has reached the topic's end again; the
   * listener keeps trying, from where it was, and never dies of it.
   */
  private void run(BiConsumer<String, KillSwitchCommand> onCommand) {
    try {
      Map<TopicPartition, Long> ends = null;
      while (!Thread.currentThread().isInterrupted()) {
        try {
          ends = ends != null ? ends : consumer.assignment().isEmpty() ? assignAll() : consumer.endOffsets(consumer.assignment());
          for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
            accept(r, onCommand);
          }
          if (!view.isCaughtUp() && reached(ends)) {
            view.caughtUp(true);
            caughtUp.countDown();
          }
        } catch (WakeupException e) {
          throw e;
        } catch (RuntimeException e) {
          LOG.error("cannot read the kill switch {} and its lease {}: {}; answering UNKNOWN until they are read to their end again",
              topic, leaseTopic, e.toString());
          view.caughtUp(false);
          ends = null;
          Thread.sleep(RETRY.toMillis());
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      view.caughtUp(false); // a closed listener knows nothing more
      consumer.close();
    }
  }

  private boolean reached(Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  /**
   * Assigns every partition of both topics from their start, once both exist; returns their ends now.
   * Until then the view stays UNKNOWN: a detector that has not created its lease topic vouches for nothing.
   */
  private Map<TopicPartition, Long> assignAll() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String t : List.of(topic, leaseTopic)) {
      List<TopicPartition> of = List.of();
      while (of.isEmpty()) {
        of = consumer.partitionsFor(t, POLL.multipliedBy(50)).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      }
      partitions.addAll(of);
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    return consumer.endOffsets(partitions);
  }

  private void accept(ConsumerRecord<String, byte[]> r, BiConsumer<String, KillSwitchCommand> onCommand) {
    try {
      if (r.topic().equals(leaseTopic) && r.key() != null && r.key().startsWith(BreakGlass.KEY_PREFIX)) {
        if (breakGlass == null) {
          throw new RejectedRecord(RejectedRecord.Reason.UNKNOWN_KEY, "a break-glass override, and no operator key is trusted for them");
        }
        breakGlass.verify(SignedBytes.Domain.BREAK_GLASS, r.topic(), r.key(), r.value(), r.headers());
        KillSwitchOverride override = decode(r, KillSwitchOverride.class, o -> BreakGlass.keyOf(BreakGlass.targetOf(o)));
        view.breakGlass().apply(override);
        LOG.warn("break-glass override {} by {} lets {} proceed until {} while the detector's lease is stale: {}",
            printable(override.getOverrideId()), printable(override.getActor()), r.key().substring(BreakGlass.KEY_PREFIX.length()),
            override.getValidUntil(), printable(override.getReason()));
      } else if (r.topic().equals(leaseTopic)) {
        verifier.verify(SignedBytes.Domain.LEASE, r.topic(), r.key(), r.value(), r.headers());
        view.leases().apply(decode(r, KillSwitchLease.class, lease -> Integer.toString(lease.getPartition())));
      } else {
        long sequence = verifier.verify(r.topic(), r.key(), r.value(), r.headers());
        KillSwitchCommand command = decode(r, KillSwitchCommand.class, c -> Target.of(c).toString());
        view.apply(r.key(), sequence, command);
        onCommand.accept(r.key(), command);
      }
    } catch (RejectedRecord e) {
      reject(r, e);
    } catch (RuntimeException e) {
      reject(r, new RejectedRecord(RejectedRecord.Reason.MALFORMED, e.toString()));
    }
  }

  /** Decodes verified bytes; the key must be the one the value is for (a command's target, a lease's partition). */
  private <V> V decode(ConsumerRecord<String, byte[]> r, Class<V> type, Function<V, String> keyOf) throws RejectedRecord {
    Object value = values.deserialize(r.topic(), r.value());
    if (!type.isInstance(value)) {
      throw new RejectedRecord(RejectedRecord.Reason.MALFORMED, "the value is not a " + type.getSimpleName());
    }
    V typed = type.cast(value);
    if (!keyOf.apply(typed).equals(r.key())) {
      throw new RejectedRecord(RejectedRecord.Reason.MALFORMED, "key " + r.key() + " is not the " + type.getSimpleName()
          + "'s own, " + keyOf.apply(typed));
    }
    return typed;
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
