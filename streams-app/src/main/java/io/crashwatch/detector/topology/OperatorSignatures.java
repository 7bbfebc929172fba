package io.crashwatch.detector.topology;

import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.killswitch.RejectedRecord;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.killswitch.SignedBytes;
import io.crashwatch.schemas.OperatorCommand;
import java.util.Locale;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads an operator command only when an operator key signed its very bytes: an unsigned, forged or
 * altered command, or one signed by a key not in {@code operator-public-keys}, is refused before it
 * is decoded, and becomes a dead letter with its original bytes and the reason
 * ({@code operator-unsigned}, {@code operator-unknown-key}, {@code operator-forged}, ...).
 *
 * <p>The signature covers the value without the record key (a deserializer does not see it): the
 * value names the target, and validation requires the key to be that target.
 */
public final class OperatorSignatures implements Deserializer<OperatorCommand> {
  /** What an operator command is signed with in place of its record key. */
  private static final String SIGNED_KEY = "";

  private final Deserializer<OperatorCommand> avro;
  private final KillSwitchVerifier operators;

  /** @param operators the operators' keys; null: none configured, and every command is refused */
  OperatorSignatures(Deserializer<OperatorCommand> avro, KillSwitchVerifier operators) {
    this.avro = avro;
    this.operators = operators;
  }

  /** Signs a serialized operator command as this class verifies it: key id, sequence and signature headers. */
  public static void sign(KillSwitchSigner operator, String topic, OperatorCommand command, byte[] value, Headers headers) {
    SignatureHeaders.putSequence(headers, command.getIssuedAt().toEpochMilli());
    operator.sign(SignedBytes.Domain.OPERATOR, topic, SIGNED_KEY, value, headers);
  }

  @Override
  public OperatorCommand deserialize(String topic, byte[] data) {
    throw new IllegalStateException("operator commands are signed: deserialize with their headers");
  }

  @Override
  public OperatorCommand deserialize(String topic, Headers headers, byte[] data) {
    if (data == null) {
      return null; // a tombstone: validation refuses it by name
    }
    if (operators == null) {
      throw new InvalidRecordException("operator-unknown-key", "no " + "operator-public-keys"
          + " are configured: the detector obeys no operator command");
    }
    try {
      operators.verify(SignedBytes.Domain.OPERATOR, topic, SIGNED_KEY, data, headers);
    } catch (RejectedRecord e) {
      throw new InvalidRecordException("operator-" + e.reason().name().toLowerCase(Locale.ROOT).replace('_', '-'), e.getMessage());
    }
    return avro.deserialize(topic, headers, data);
  }
}
