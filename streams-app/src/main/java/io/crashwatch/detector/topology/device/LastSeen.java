package io.crashwatch.detector.topology.device;

import java.util.Map;
import org.apache.kafka.common.serialization.Serde;

/**
 * When a device was last heard from (wall clock), and a fingerprint of what that heartbeat said: its
 * boot and its component versions. A heartbeat that says the same as the one before changes
 * nothing in device state, so device state is not even read for it — that is most heartbeats.
 * No entry (a device not seen yet, one gone dark, or local state lost) means the next heartbeat is
 * compared with device state in full.
 */
public record LastSeen(long atMs, long fingerprint) {
  /** A fingerprint no heartbeat has, so that the next one is compared with device state in full. */
  static final long COMPARE_IN_FULL = 0;

  public static Serde<LastSeen> serde() {
    return new LongPairSerde<>(LastSeen::atMs, LastSeen::fingerprint, LastSeen::new);
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
}
