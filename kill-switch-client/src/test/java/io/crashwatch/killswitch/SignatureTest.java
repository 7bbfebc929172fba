package io.crashwatch.killswitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Signer and verifier share the signed-bytes layout: what one signs the other accepts, and nothing else. */
class SignatureTest {
  private static final String TOPIC = "crashwatch.kill-switch";
  private static final String KEY = "airline-ops/channel-291/r41";
  private static final byte[] VALUE = {0, 0, 0, 0, 7, 'h', 'a', 'l', 't'};

  private final KeyPair detector = Ed25519Keys.generate();
  private final KillSwitchSigner signer = new KillSwitchSigner(detector.getPrivate());
  private final KillSwitchVerifier verifier = new KillSwitchVerifier(List.of(detector.getPublic()));

  private Headers signed(String topic, String key, long sequence, byte[] value) {
    Headers headers = new RecordHeaders();
    SignatureHeaders.putSequence(headers, sequence);
    signer.sign(topic, key, value, headers);
    return headers;
  }

  private RejectedRecord.Reason rejection(String topic, String key, byte[] value, Headers headers) {
    try {
      verifier.verify(topic, key, value, headers);
      return null;
    } catch (RejectedRecord e) {
      return e.reason();
    }
  }

  @Test
  void shouldAcceptWhatTheDetectorSignedAndReturnItsSequence() throws RejectedRecord {
    assertThat(verifier.verify(TOPIC, KEY, VALUE, signed(TOPIC, KEY, 42, VALUE))).isEqualTo(42);
  }

  @Test
  void shouldAcceptTheSameBodyUnderAnotherSchemaId() throws RejectedRecord {
    byte[] mirrored = VALUE.clone();
    mirrored[4] = 99; // a mirror's registry gave the schema another id

    assertThat(verifier.verify(TOPIC, KEY, mirrored, signed(TOPIC, KEY, 1, VALUE))).isEqualTo(1);
  }

  @Test
  void shouldRejectAnAlteredBodyKeyTopicOrSequence() {
    Headers headers = signed(TOPIC, KEY, 1, VALUE);
    byte[] altered = VALUE.clone();
    altered[VALUE.length - 1] ^= 1;

    assertThat(rejection(TOPIC, KEY, altered, headers)).isEqualTo(RejectedRecord.Reason.FORGED);
    assertThat(rejection(TOPIC, "retail/channel-291/r41", VALUE, headers)).isEqualTo(RejectedRecord.Reason.FORGED);
    assertThat(rejection("mirror.kill-switch", KEY, VALUE, headers)).isEqualTo(RejectedRecord.Reason.FORGED);
    SignatureHeaders.putSequence(headers, 2);
    assertThat(rejection(TOPIC, KEY, VALUE, headers)).isEqualTo(RejectedRecord.Reason.FORGED);
  }

  @Test
  void shouldRejectARecordSignedByAnotherKeyEvenUnderTheDetectorsKeyId() {
    KillSwitchSigner attacker = new KillSwitchSigner(Ed25519Keys.generate().getPrivate());
    Headers headers = new RecordHeaders();
    SignatureHeaders.putSequence(headers, 1);
    attacker.sign(TOPIC, KEY, VALUE, headers);

    assertThat(rejection(TOPIC, KEY, VALUE, headers)).isEqualTo(RejectedRecord.Reason.UNKNOWN_KEY);
    headers.remove(SignatureHeaders.KEY_ID).add(SignatureHeaders.KEY_ID, signer.keyId().getBytes(StandardCharsets.UTF_8));
    assertThat(rejection(TOPIC, KEY, VALUE, headers)).isEqualTo(RejectedRecord.Reason.FORGED);
  }

  /** A lease the detector signed, copied onto the kill-switch topic under a target's key, is no command. */
  @Test
  void shouldNotAcceptASignatureMadeForAnotherDomain() throws RejectedRecord {
    Headers headers = new RecordHeaders();
    SignatureHeaders.putSequence(headers, 1);
    signer.sign(SignedBytes.Domain.LEASE, TOPIC, KEY, VALUE, headers);

    assertThat(verifier.verify(SignedBytes.Domain.LEASE, TOPIC, KEY, VALUE, headers)).isEqualTo(1);
    assertThat(rejection(TOPIC, KEY, VALUE, headers)).isEqualTo(RejectedRecord.Reason.FORGED);
  }

  @Test
  void shouldRejectUnsignedRecordsTombstonesAndShortValues() {
    assertThat(rejection(TOPIC, KEY, VALUE, new RecordHeaders())).isEqualTo(RejectedRecord.Reason.UNSIGNED);
    Headers noSignature = signed(TOPIC, KEY, 1, VALUE);
    noSignature.remove(SignatureHeaders.SIGNATURE);
    assertThat(rejection(TOPIC, KEY, VALUE, noSignature)).isEqualTo(RejectedRecord.Reason.UNSIGNED);
    assertThat(rejection(TOPIC, KEY, null, signed(TOPIC, KEY, 1, VALUE))).isEqualTo(RejectedRecord.Reason.TOMBSTONE);
    assertThat(rejection(TOPIC, KEY, new byte[] {0, 0}, new RecordHeaders())).isEqualTo(RejectedRecord.Reason.MALFORMED);
  }

  @Test
  void shouldTrustBothKeysDuringARotation() throws RejectedRecord {
    KeyPair next = Ed25519Keys.generate();
    KillSwitchVerifier rotating = new KillSwitchVerifier(List.of(detector.getPublic(), next.getPublic()));
    Headers byNext = new RecordHeaders();
    SignatureHeaders.putSequence(byNext, 2);
    new KillSwitchSigner(next.getPrivate()).sign(TOPIC, KEY, VALUE, byNext);

    assertThat(rotating.verify(TOPIC, KEY, VALUE, signed(TOPIC, KEY, 1, VALUE))).as("an old HALT still verifies").isEqualTo(1);
    assertThat(rotating.verify(TOPIC, KEY, VALUE, byNext)).isEqualTo(2);
  }

  /** Files made by {@code openssl genpkey -algorithm ed25519} and {@code openssl pkey -pubout} (OpenSSL 3). */
  @Test
  void shouldReadOpenSslKeysAndDeriveTheSamePublicKey() throws Exception {
    Path dir = Path.of(getClass().getResource("/openssl/ed25519.key").toURI()).getParent();

    KillSwitchSigner signer = new KillSwitchSigner(Ed25519Keys.readPrivate(dir.resolve("ed25519.key")));

    assertThat(signer.publicKey()).isEqualTo(Ed25519Keys.readPublic(dir.resolve("ed25519.pub")));
  }

  @Test
  void shouldReadBackTheKeysItWritesAndDeriveThePublicKey(@TempDir Path dir) throws Exception {
    KeyPair pair = Ed25519Keys.generateInto(dir.resolve("k.key"), dir.resolve("k.pub"));

    KillSwitchSigner fromFile = new KillSwitchSigner(Ed25519Keys.readPrivate(dir.resolve("k.key")));
    assertThat(Ed25519Keys.readPublic(dir.resolve("k.pub"))).isEqualTo(pair.getPublic());
    assertThat(fromFile.publicKey()).isEqualTo(pair.getPublic());
    assertThat(fromFile.keyId()).isEqualTo(Ed25519Keys.keyId(pair.getPublic())).hasSize(16);
    assertThat(fromFile.toString()).doesNotContain(Arrays.toString(pair.getPrivate().getEncoded()));
    assertThatThrownBy(() -> Ed25519Keys.readPrivate(dir.resolve("k.pub"))).hasMessageContaining("k.pub");
  }
}
