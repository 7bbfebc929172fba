package io.crashwatch.killswitch;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The bytes a kill-switch record's signature covers, defined once for the detector that signs and the
 * rollout services that verify: a domain tag, the topic, the key, the target's sequence number and
 * the Avro body of the value — what follows the 5-byte Confluent prefix, since schema ids differ
 * across registries and mirrors while the body does not. Strings are length-prefixed, so no two
 * (topic, key) pairs give the same bytes; the tag keeps a signature made for one use from passing
 * for another.
 */
public final class SignedBytes {
  /** Bytes of the Confluent wire prefix (magic byte and schema id), outside the signature. */
  public static final int WIRE_PREFIX = 5;

  /** What a signature is for: one made for a lease never passes for a command or an override, nor the reverse. */
  public enum Domain {
    KILL_SWITCH("crashwatch/kill-switch/v1"),
    LEASE("crashwatch/kill-switch-lease/v1"),
    BREAK_GLASS("crashwatch/break-glass/v1"),
    /** An operator's FORCE_HALT or RESUME: signed without its key (the value names its target, which the key must equal). */
    OPERATOR("crashwatch/operator-command/v1"),
    /** An operator's SHADOW or ENFORCE mark of a fleet on the fleets topic, key (the fleet id) included. */
    FLEET_MODE("crashwatch/fleet-mode/v1");

    final String tag;

    Domain(String tag) {
      this.tag = tag;
    }
  }

  private SignedBytes() {
  }

  /** What is signed for a record of this domain; {@code value} is the record's value as written to Kafka. */
  public static byte[] of(Domain domain, String topic, String key, long sequence, byte[] value) {
    if (value == null || value.length < WIRE_PREFIX) {
      throw new IllegalArgumentException("a signed value must hold the " + WIRE_PREFIX + "-byte wire prefix and a body");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length + 128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      string(out, domain.tag);
      string(out, topic);
      string(out, key);
      out.writeLong(sequence);
      out.write(value, WIRE_PREFIX, value.length - WIRE_PREFIX);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
    }
    return bytes.toByteArray();
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }
}
