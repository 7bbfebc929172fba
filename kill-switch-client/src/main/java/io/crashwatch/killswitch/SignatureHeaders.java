package io.crashwatch.killswitch;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** The headers a signed record carries: who signed it, the target's sequence number, the signature. */
public final class SignatureHeaders {
  public static final String KEY_ID = "crashwatch.key-id";
  /** 8 bytes, big-endian: increases with every command of a target, across application resets. */
  public static final String SEQUENCE = "crashwatch.sequence";
  public static final String SIGNATURE = "crashwatch.signature";

  private SignatureHeaders() {
  }

  public static void putSequence(Headers headers, long sequence) {
    headers.remove(SEQUENCE).add(SEQUENCE, ByteBuffer.allocate(Long.BYTES).putLong(sequence).array());
  }

  /** @throws IllegalArgumentException when the header is missing or not 8 bytes */
  public static long sequence(Headers headers) {
    byte[] value = last(headers, SEQUENCE);
    if (value.length != Long.BYTES) {
      throw new IllegalArgumentException("header " + SEQUENCE + " has " + value.length + " bytes, not " + Long.BYTES);
    }
    return ByteBuffer.wrap(value).getLong();
  }

  public static String keyId(Headers headers) {
    return new String(last(headers, KEY_ID), StandardCharsets.UTF_8);
  }

  static byte[] signature(Headers headers) {
    return last(headers, SIGNATURE);
  }

  /** The last value of a header: a writer adding a second one cannot hide behind the first. */
  private static byte[] last(Headers headers, String name) {
    Header header = headers == null ? null : headers.lastHeader(name);
    if (header == null || header.value() == null) {
      throw new IllegalArgumentException("header " + name + " is missing");
    }
    return header.value();
  }
}
