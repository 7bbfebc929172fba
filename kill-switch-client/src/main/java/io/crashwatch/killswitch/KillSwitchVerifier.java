package io.crashwatch.killswitch;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Collection;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;

/**
 * Checks a kill-switch record's raw bytes against the detector's public keys before anything decodes
 * them — never re-encoding, which could hide an altered byte. Two keys are trusted during a rotation.
 */
public final class KillSwitchVerifier {
  private final Map<String, PublicKey> trusted;

  public KillSwitchVerifier(Collection<PublicKey> trusted) {
    if (trusted.isEmpty()) {
      throw new IllegalArgumentException("no public key to verify the kill switch with");
    }
    this.trusted = trusted.stream().collect(Collectors.toUnmodifiableMap(Ed25519Keys::keyId, Function.identity(), (a, b) -> a));
  }

  /**
   * The record's sequence number, when a trusted key signed exactly these bytes for this topic and key.
   *
   * @throws RejectedRecord saying why not
   */
  public long verify(String topic, String key, byte[] value, Headers headers) throws RejectedRecord {
    return verify(SignedBytes.Domain.KILL_SWITCH, topic, key, value, headers);
  }

  /** The same for a record of another domain, e.g. a lease. */
  public long verify(SignedBytes.Domain domain, String topic, String key, byte[] value, Headers headers)
      throws RejectedRecord {
    if (value == null) {
      throw new RejectedRecord(RejectedRecord.Reason.TOMBSTONE, "a tombstone: the detector never deletes a target's state");
    }
    if (key == null || value.length < SignedBytes.WIRE_PREFIX) {
      throw new RejectedRecord(RejectedRecord.Reason.MALFORMED, "no key, or a value too short for the wire format");
    }
    String keyId;
    long sequence;
    byte[] signature;
    try {
      keyId = SignatureHeaders.keyId(headers);
      sequence = SignatureHeaders.sequence(headers);
      signature = SignatureHeaders.signature(headers);
    } catch (IllegalArgumentException e) {
      throw new RejectedRecord(RejectedRecord.Reason.UNSIGNED, e.getMessage());
    }
    PublicKey publicKey = trusted.get(keyId);
    if (publicKey == null) {
      throw new RejectedRecord(RejectedRecord.Reason.UNKNOWN_KEY, "signed by key '" + keyId + "', which is not trusted");
    }
    boolean valid;
    try {
      Signature ed25519 = Signature.getInstance(Ed25519Keys.ALGORITHM);
      ed25519.initVerify(publicKey);
      ed25519.update(SignedBytes.of(domain, topic, key, sequence, value));
      valid = ed25519.verify(signature);
    } catch (GeneralSecurityException e) {
      valid = false; // a signature of the wrong length, for one
    }
    if (!valid) {
      throw new RejectedRecord(RejectedRecord.Reason.FORGED, "the signature of key " + keyId + " does not match the record");
    }
    return sequence;
  }
}
