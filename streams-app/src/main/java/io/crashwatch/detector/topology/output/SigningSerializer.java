package io.crashwatch.detector.topology.output;

import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.KillSwitchCommand;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes kill-switch commands and signs the very bytes that go to the broker: the sink calls it
 * with the record's headers, which already hold the target's sequence number
 * ({@link KillSwitchProcessor}); it adds the key id and the signature. Signing after serialization
 * means whatever schema id the registry gave, the signature covers the Avro body as written.
 */
public final class SigningSerializer implements Serializer<KillSwitchCommand> {
  private final Serializer<KillSwitchCommand> avro;
  private final KillSwitchSigner signer;

  public SigningSerializer(Serializer<KillSwitchCommand> avro, KillSwitchSigner signer) {
    this.avro = avro;
    this.signer = signer;
  }

  @Override
  public byte[] serialize(String topic, KillSwitchCommand command) {
    throw new IllegalStateException("kill-switch records are signed: serialize with their headers");
  }

  @Override
  public byte[] serialize(String topic, Headers headers, KillSwitchCommand command) {
    byte[] value = avro.serialize(topic, headers, command);
    // The record's key is the command's target (KillSwitchProcessor keys it so): the signature binds both.
    signer.sign(topic, Target.of(command).toString(), value, headers);
    return value;
  }
}
