package io.crashwatch.serde;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Schema ids the registry said it does not have, remembered for a while: garbage or forged input can
 * carry any of 2^32 ids, and without this every such record would cost registry requests (and the
 * wait before asking again), stalling its partition. Bounded: the oldest misses go first. Thread-safe.
 */
final class MissingSchemaIds {

  private record Miss(SchemaRegistryException answer, long expiresAtNanos) {}

  private final int maxSize;
  private final long ttlNanos;
  private final LongSupplier nanoClock;
  private final Map<Integer, Miss> misses;

  MissingSchemaIds(int maxSize, Duration ttl, LongSupplier nanoClock) {
    this.maxSize = maxSize;
    this.ttlNanos = ttl.toNanos();
    this.nanoClock = nanoClock;
    this.misses = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Integer, Miss> eldest) {
        return size() > MissingSchemaIds.this.maxSize;
      }
    };
  }

  /** The registry's answer for a schema id it did not have, while that answer is fresh. */
  synchronized Optional<SchemaRegistryException> lookup(int id) {
    Miss miss = misses.get(id);
    if (miss == null) {
      return Optional.empty();
    }
    if (nanoClock.getAsLong() - miss.expiresAtNanos >= 0) {
      misses.remove(id);
      return Optional.empty();
    }
    return Optional.of(miss.answer);
  }

  synchronized void remember(int id, SchemaRegistryException answer) {
    if (ttlNanos <= 0 || maxSize <= 0) {
      return;
    }
    misses.remove(id); // re-inserted, so it is the newest
    misses.put(id, new Miss(answer, nanoClock.getAsLong() + ttlNanos));
  }

  synchronized int size() {
    return misses.size();
  }
}
