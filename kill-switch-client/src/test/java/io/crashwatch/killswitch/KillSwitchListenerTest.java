package io.crashwatch.killswitch;

import static io.crashwatch.killswitch.KillSwitchViewTest.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
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
  private static final String TARGET = "airline-ops/channel-291/r41";
  private final TopicPartition partition = new TopicPartition(TOPIC, 0);
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

  @Test
  void shouldAnswerUnknownWhileItCannotReadAndHaltedAgainOnceItHasCaughtUp() throws Exception {
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    consumer.updatePartitions(TOPIC, List.of(new PartitionInfo(TOPIC, 0, null, null, null)));
    consumer.updateBeginningOffsets(Map.of(partition, 0L));
    consumer.updateEndOffsets(Map.of(partition, 1L));
    ConsumerRecord<String, byte[]> halt = signedHalt();
    consumer.schedulePollTask(() -> consumer.addRecord(halt));

    KillSwitchListener listener = new KillSwitchListener(config, TOPIC, new KillSwitchVerifier(List.of(detector.getPublic())),
        (target, command) -> { }, consumer);
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
