package io.crashwatch.killswitch;

import static io.crashwatch.killswitch.KillSwitchViewTest.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.KillSwitchLease;
import io.crashwatch.serde.AvroSerializer;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A listener that cannot read says UNKNOWN — it may have missed a HALT — and recovers by itself. */
class KillSwitchListenerTest {
  private static final String TOPIC = "crashwatch.kill-switch";
  private static final String LEASES = "crashwatch.kill-switch-lease";
  private static final String TARGET = "airline-ops/channel-291/r41";
  private static final long T = 1_721_361_600_000L;
  private final TopicPartition partition = new TopicPartition(TOPIC, 0);
  private final TopicPartition leasePartition = new TopicPartition(LEASES, 0);
  private long now = T;
  private final Map<String, Object> config = KillSwitchListener.consumerConfig(
      Map.of("schema.registry.url", "mock://" + UUID.randomUUID()));
  private final KeyPair detector = Ed25519Keys.generate();

  private ConsumerRecord<String, byte[]> signedHalt() {
    AvroSerializer<KillSwitchCommand> avro = new AvroSerializer<>();
    avro.configure(config, false);
    KillSwitchCommand halt = command(KillSwitchAction.HALT, "airline-ops", false);
    byte[] value = avro.serialize(TOPIC, halt);
    RecordHeaders headers = new RecordHeaders();
    SignatureHeaders.putSequence(headers, 1);
    new KillSwitchSigner(detector.getPrivate()).sign(TOPIC, TARGET, value, headers);
    return new ConsumerRecord<>(TOPIC, 0, 0, 0, TimestampType.CREATE_TIME, 0, value.length, TARGET, value, headers,
        Optional.empty());
  }

  private ConsumerRecord<String, byte[]> signedLease(long issuedAt, long offset) {
    AvroSerializer<KillSwitchLease> avro = new AvroSerializer<>();
    avro.configure(config, false);
    byte[] value = avro.serialize(LEASES, LeaseViewTest.lease(0, 1, true, issuedAt, issuedAt + 6_000));
    RecordHeaders headers = new RecordHeaders();
    SignatureHeaders.putSequence(headers, issuedAt);
    new KillSwitchSigner(detector.getPrivate()).sign(SignedBytes.Domain.LEASE, LEASES, "0", value, headers);
    return new ConsumerRecord<>(LEASES, 0, offset, 0, TimestampType.CREATE_TIME, 0, value.length, "0", value, headers,
        Optional.empty());
  }

  private MockConsumer<String, byte[]> consumerOf(ConsumerRecord<String, byte[]> command, ConsumerRecord<String, byte[]> lease) {
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updatePartitions(LEASES, List.of(new PartitionInfo(LEASES, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(partition, 0L, leasePartition, 0L));
    consumer.updateEndOffsets(Map.of(partition, 1L, leasePartition, 1L));
    consumer.schedulePollTask(() -> {
      consumer.addRecord(command);
      consumer.addRecord(lease);
    });
    return consumer;
  }

  private KillSwitchListener listener(MockConsumer<String, byte[]> consumer) {
    return new KillSwitchListener(config, TOPIC, LEASES, new KillSwitchVerifier(List.of(detector.getPublic())), null,
        (target, command) -> { }, consumer, new KillSwitchView(new LeaseView(500), () -> now));
  }

  /** The detector stops renewing its lease: every rollout not known to be halted pauses, until it is renewed. */
  @Test
  void shouldAnswerUnknownOnceTheDetectorsLeaseIsStale() throws Exception {
    MockConsumer<String, byte[]> consumer = consumerOf(signedHalt(), signedLease(T, 0));
    KillSwitchListener listener = listener(consumer);
    assertThat(listener.awaitCaughtUp(Duration.ofSeconds(10))).isTrue();
    assertThat(listener.view().status("retail", "channel-291", "r41")).isEqualTo(KillSwitchStatus.PROCEED);

    now = T + 6_501;
    assertThat(listener.view().status("retail", "channel-291", "r41")).isEqualTo(KillSwitchStatus.UNKNOWN);
    assertThat(listener.view().status("airline-ops", "channel-291", "r41")).isEqualTo(KillSwitchStatus.HALTED);
    assertThat(listener.view().leaseAgeMs()).isEqualTo(6_501);

    ConsumerRecord<String, byte[]> renewed = signedLease(now, 1);
    consumer.schedulePollTask(() -> consumer.addRecord(renewed));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> listener.view().status("retail", "channel-291", "r41") == KillSwitchStatus.PROCEED);
    listener.close();
  }

  @Test
  void shouldAnswerUnknownWhileItCannotReadAndHaltedAgainOnceItHasCaughtUp() throws Exception {
    MockConsumer<String, byte[]> consumer = consumerOf(signedHalt(), signedLease(T, 0));

    KillSwitchListener listener = listener(consumer);
    assertThat(listener.awaitCaughtUp(Duration.ofSeconds(10))).isTrue();
    assertThat(listener.view().status("airline-ops", "channel-291", "r41")).isEqualTo(KillSwitchStatus.HALTED);

    consumer.setPollException(new KafkaException("the broker is gone"));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> listener.view().status("retail", "channel-291", "r41") == KillSwitchStatus.UNKNOWN);

    await("reading again, to the end").atMost(Duration.ofSeconds(10))
        .until(() -> listener.view().status("airline-ops", "channel-291", "r41") == KillSwitchStatus.HALTED);
    assertThat(listener.view().status("retail", "channel-291", "r41")).isEqualTo(KillSwitchStatus.PROCEED);

    listener.close();
    assertThat(listener.view().status("retail", "channel-291", "r41")).as("closed: it knows nothing more")
        .isEqualTo(KillSwitchStatus.UNKNOWN);
  }
}
