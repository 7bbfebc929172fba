package io.crashwatch.detector.topology.output;

import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.SignedBytes;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.KillSwitchLease;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes a signed record's value and signs the very bytes that go to the broker: the sink calls it
 * with the record's headers, which already hold its sequence number (put by the processor that made
 * it); it adds the key id and the signature. Signing after serialization means whatever schema id the
 * registry gave, the signature covers the Avro body as written.
 *
 * <p>The record's key is derived from the value here, as the processor keyed it (a command by its
 * target, a lease by its partition), so the signature binds key and value together.
 */
public final class SigningSerializer<V> implements Serializer<V> {
  private final Serializer<V> avro;
  private final KillSwitchSigner signer;
  private final SignedBytes.Domain domain;
  private final Function<V, String> keyOf;

  private SigningSerializer(Serializer<V> avro, KillSwitchSigner signer, SignedBytes.Domain domain, Function<V, String> keyOf) {
    this.avro = avro;
    this.signer = signer;
    this.domain = domain;
    this.keyOf = keyOf;
  }

  /** Kill-switch commands, keyed by their target. */
  public static SigningSerializer<KillSwitchCommand> commands(Serializer<KillSwitchCommand> avro, KillSwitchSigner signer) {
    return new SigningSerializer<>(avro, signer, SignedBytes.Domain.KILL_SWITCH, command -> Target.of(command).toString());
  }

  /** Leases, keyed by their heartbeat partition. */
  public static SigningSerializer<KillSwitchLease> leases(Serializer<KillSwitchLease> avro, KillSwitchSigner signer) {
    return new SigningSerializer<>(avro, signer, SignedBytes.Domain.LEASE, lease -> Integer.toString(lease.getPartition()));
  }

  @Override
  public byte[] serialize(String topic, V value) {
    throw new IllegalStateException("records of " + topic + " are signed: serialize with their headers");
  }

  @Override
  public byte[] serialize(String topic, Headers headers, V value) {
    byte[] bytes = avro.serialize(topic, headers, value);
    signer.sign(domain, topic, keyOf.apply(value), bytes, headers);
    return bytes;
  }
}
