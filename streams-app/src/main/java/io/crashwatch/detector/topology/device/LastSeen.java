package io.crashwatch.detector.topology.device;

import io.crashwatch.detector.topology.format.StateFormatException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * When a device was last heard from (wall clock), a fingerprint of what that heartbeat said — its
 * boot and its component versions — and, by the device's own clock, when it last switched a version
 * or booted, as long as it has not been heard from more than {@code dark-window} after that. A
 * heartbeat that says the same as the one before changes nothing in device state, so device state is
 * not even read for it — that is most heartbeats. No entry (a device not seen yet, one gone dark, or
 * local state lost) means the next heartbeat is compared with device state in full.
 *
 * @param changedAtMs the device's latest switch or boot (its clock), or {@link #SETTLED} once it was
 *                    heard from more than dark-window after it: then its silence is not specific to
 *                    any version
 */
public record LastSeen(long atMs, long fingerprint, long changedAtMs) {
  /** A fingerprint no heartbeat has, so that the next one is compared with device state in full. */
  static final long COMPARE_IN_FULL = 0;
  /** No switch or boot within dark-window of the device's latest heartbeat. */
  static final long SETTLED = Long.MIN_VALUE;

  /** The same device heard from again, saying the same: it settles once it outlives dark-window after its change. */
  LastSeen heardAgain(long nowMs, long newFingerprint, long sentAtMs, long darkWindowMs) {
    boolean settled = changedAtMs == SETTLED || sentAtMs - changedAtMs > darkWindowMs;
    return new LastSeen(nowMs, newFingerprint, settled ? SETTLED : changedAtMs);
  }

  /** Whether the device fell silent within dark-window of a switch or a boot. */
  boolean silentSoonAfterAChange() {
    return changedAtMs != SETTLED;
  }

  LastSeen comparedInFull() {
    return new LastSeen(atMs, COMPARE_IN_FULL, changedAtMs);
  }

  public static Serde<LastSeen> serde() {
    return Serdes.serdeFrom(Codec.WRITER, Codec.READER);
  }

  /** Independent of the order the components come in: the map's order means nothing. */
  static long fingerprint(String bootId, Map<String, String> components) {
    long h = hash(bootId, 0x9E3779B97F4A7C15L);
    for (Map.Entry<String, String> c : components.entrySet()) {
      h += hash(c.getValue(), hash(c.getKey(), 0xC2B2AE3D27D4EB4FL));
    }
    return h == COMPARE_IN_FULL ? 1 : h;
  }

  /** FNV-1a over the chars, then a 64-bit finaliser so that sums of hashes stay well spread. */
  private static long hash(String s, long seed) {
    long h = seed;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001B3L;
    }
    h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL;
    h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return h ^ (h >>> 33);
  }

  /**
   * A format byte and three longs. Format 1 had two (no change time) and format 0 the two longs
   * alone: both are still read, as settled devices, so a local store written before the upgrade
   * survives it. A settled device, most of them, is still written in format 1: the change time
   * would only cost every device 8 bytes.
   */
  private static final class Codec {
    private static final byte FORMAT = 2;
    private static final byte FORMAT_SETTLED = 1;
    private static final int FORMAT_0_LENGTH = 16;
    private static final int FORMAT_1_LENGTH = 17;
    private static final int LENGTH = 25;

    static final Serializer<LastSeen> WRITER = (topic, v) -> v == null ? null
        : v.changedAtMs == SETTLED
            ? ByteBuffer.allocate(FORMAT_1_LENGTH).put(FORMAT_SETTLED).putLong(v.atMs).putLong(v.fingerprint).array()
            : ByteBuffer.allocate(LENGTH).put(FORMAT).putLong(v.atMs).putLong(v.fingerprint).putLong(v.changedAtMs).array();

    static final Deserializer<LastSeen> READER = (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      if (bytes.length == FORMAT_0_LENGTH) {
        return new LastSeen(b.getLong(), b.getLong(), SETTLED);
      }
      if (bytes.length != FORMAT_1_LENGTH && bytes.length != LENGTH) {
        throw new SerializationException("Corrupt last-seen record of " + bytes.length + " bytes in " + topic);
      }
      byte format = b.get();
      if (format != (bytes.length == LENGTH ? FORMAT : FORMAT_SETTLED)) {
        throw new StateFormatException("A last-seen record in " + topic + " was written in format " + format
            + "; this detector reads formats 0 to " + FORMAT);
      }
      return new LastSeen(b.getLong(), b.getLong(), bytes.length == LENGTH ? b.getLong() : SETTLED);
    };
  }
}
