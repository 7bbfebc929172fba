package io.crashwatch.killswitch;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import org.apache.kafka.common.header.Headers;

/** Signs kill-switch records as the detector writes them: the {@link SignedBytes} layout, the headers. */
public final class KillSwitchSigner {
  private final PrivateKey key;
  private final PublicKey publicKey;
  private final String keyId;

  public KillSwitchSigner(PrivateKey key) {
    this.key = key;
    this.publicKey = Ed25519Keys.publicOf(key);
    this.keyId = Ed25519Keys.keyId(publicKey);
  }

  /** What rollout services verify with. */
  public PublicKey publicKey() {
    return publicKey;
  }

  public String keyId() {
    return keyId;
  }

  /** The key id only: a signer's text never shows its key. */
  @Override
  public String toString() {
    return "KillSwitchSigner[keyId=" + keyId + "]";
  }

  /** Adds the key id and the signature of this record to {@code headers}, which must hold its sequence. */
  public void sign(String topic, String key, byte[] value, Headers headers) {
    sign(SignedBytes.Domain.KILL_SWITCH, topic, key, value, headers);
  }

  /** The same for a record of another domain, e.g. a lease. */
  public void sign(SignedBytes.Domain domain, String topic, String key, byte[] value, Headers headers) {
    long sequence = SignatureHeaders.sequence(headers);
    byte[] signature;
    try {
      Signature ed25519 = Signature.getInstance(Ed25519Keys.ALGORITHM);
      ed25519.initSign(this.key);
      ed25519.update(SignedBytes.of(domain, topic, key, sequence, value));
      signature = ed25519.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with key " + keyId, e);
    }
    headers.remove(SignatureHeaders.KEY_ID).add(SignatureHeaders.KEY_ID, keyId.getBytes(StandardCharsets.UTF_8));
    headers.remove(SignatureHeaders.SIGNATURE).add(SignatureHeaders.SIGNATURE, signature);
  }
}
