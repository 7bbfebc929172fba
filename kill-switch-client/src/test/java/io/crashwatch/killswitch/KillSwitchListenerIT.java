package io.crashwatch.killswitch;

import static io.crashwatch.killswitch.KillSwitchViewTest.command;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.KillSwitchLease;
import io.crashwatch.serde.AvroSerializer;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rollout service's listener on a real broker and registry, with everyone who can write the topic
 * trying to lift a halt: an unsigned RESUME, one signed by another key, one altered in flight, the
 * detector's own old RESUME written again, a tombstone. None lifts it; each is counted by reason, and
 * the detector's next command still applies. Leases are forged too: one signed by another key, and a
 * command's bytes and signature copied to the lease topic; neither counts as the detector alive.
 */
class KillSwitchListenerIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  private static final String TARGET = "airline-ops/channel-291/r41";

  private final String topic = "ks-" + UUID.randomUUID().toString().substring(0, 8) + ".kill-switch";
  private final String leaseTopic = topic + "-lease";
  private final KeyPair detector = Ed25519Keys.generate();
  private final KillSwitchSigner signer = new KillSwitchSigner(detector.getPrivate());
  private final Map<String, Object> client = Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
      "schema.registry.url", CLUSTER.schemaRegistryUrl());
  private final AvroSerializer<KillSwitchCommand> avro = new AvroSerializer<>();
  private final AvroSerializer<KillSwitchLease> leaseAvro = new AvroSerializer<>();

  KillSwitchListenerIT() {
    avro.configure(client, false);
    leaseAvro.configure(client, false);
  }

  /** A lease of the only heartbeat partition, valid for a minute from now. */
  private ProducerRecord<String, byte[]> lease(KillSwitchSigner by) {
    long now = System.currentTimeMillis();
    byte[] value = leaseAvro.serialize(leaseTopic, LeaseViewTest.lease(0, 1, true, now, now + 60_000));
    Headers headers = new RecordHeaders();
    SignatureHeaders.putSequence(headers, now);
    by.sign(SignedBytes.Domain.LEASE, leaseTopic, "0", value, headers);
    return new ProducerRecord<>(leaseTopic, null, "0", value, headers);
  }

  private ProducerRecord<String, byte[]> signed(String key, long sequence, KillSwitchCommand command) {
    byte[] value = avro.serialize(topic, command);
    Headers headers = new RecordHeaders();
    SignatureHeaders.putSequence(headers, sequence);
    signer.sign(topic, key, value, headers);
    return new ProducerRecord<>(topic, null, key, value, headers);
  }

  @Test
  void shouldKeepTheHaltThroughEveryForgeryAndReplay() throws Exception {
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1), new NewTopic(leaseTopic, 1, (short) 1))).all().get();
    }
    KillSwitchCommand resume = command(KillSwitchAction.RESUME, "airline-ops", false);
    ProducerRecord<String, byte[]> oldResume = signed(TARGET, 100, resume);
    ProducerRecord<String, byte[]> halt = signed(TARGET, 200, command(KillSwitchAction.HALT, "airline-ops", false));
    byte[] altered = halt.value().clone();
    altered[altered.length - 1] ^= 1;
    Headers byAttacker = new RecordHeaders();
    SignatureHeaders.putSequence(byAttacker, 300);
    byte[] attackerResume = avro.serialize(topic, resume);
    KillSwitchSigner attacker = new KillSwitchSigner(Ed25519Keys.generate().getPrivate());
    attacker.sign(topic, TARGET, attackerResume, byAttacker);

    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", CLUSTER.bootstrapServers()),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(oldResume);
      producer.send(halt);
      producer.send(new ProducerRecord<>(topic, TARGET, avro.serialize(topic, resume))); // unsigned
      producer.send(new ProducerRecord<>(topic, null, TARGET, attackerResume, byAttacker));
      producer.send(new ProducerRecord<>(topic, null, TARGET, altered, halt.headers()));
      producer.send(new ProducerRecord<>(topic, null, TARGET, oldResume.value(), oldResume.headers())); // replayed
      producer.send(new ProducerRecord<>(topic, TARGET, null)); // tombstone
      producer.send(new ProducerRecord<>(topic, TARGET, new byte[] {1, 2, 3})); // not even the wire format
      producer.send(lease(attacker)); // the detector alive, says someone else
      producer.send(new ProducerRecord<>(leaseTopic, null, "0", halt.value(), halt.headers())); // a command's signature, reused
      producer.flush();

      try (KillSwitchListener listener = new KillSwitchListener(client, topic, leaseTopic,
          new KillSwitchVerifier(List.of(detector.getPublic())), (target, command) -> { })) {
        assertThat(listener.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();

        assertThat(listener.view().status("airline-ops", "channel-291", "r41")).isEqualTo(KillSwitchStatus.HALTED);
        assertThat(listener.view().status("retail", "channel-291", "r41")).as("no lease of the detector's own")
            .isEqualTo(KillSwitchStatus.UNKNOWN);
        assertThat(listener.rejected(RejectedRecord.Reason.UNSIGNED)).isEqualTo(1);
        assertThat(listener.rejected(RejectedRecord.Reason.UNKNOWN_KEY)).isEqualTo(2);
        assertThat(listener.rejected(RejectedRecord.Reason.FORGED)).isEqualTo(2);
        assertThat(listener.rejected(RejectedRecord.Reason.REPLAYED)).isEqualTo(1);
        assertThat(listener.rejected(RejectedRecord.Reason.TOMBSTONE)).isEqualTo(1);
        assertThat(listener.rejected(RejectedRecord.Reason.MALFORMED)).isEqualTo(1);

        producer.send(lease(signer)).get();
        producer.send(signed(TARGET, 300, resume)).get(); // the detector's own RESUME, after all that
        await().atMost(Duration.ofSeconds(30))
            .until(() -> listener.view().status("airline-ops", "channel-291", "r41") == KillSwitchStatus.PROCEED);
      }
    }
  }
}
