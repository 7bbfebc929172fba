package io.crashwatch.embedded;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Faults the embedded registry plays on purpose, so tests can show how clients live with a registry
 * that is down, overloaded, slow or refusing their credentials. Also counts requests per path, so a
 * test can show what a client's caches save. Thread-safe.
 */
final class RegistryFaults {

  private static final Map<Integer, String> REASONS = Map.of(401, "Unauthorized", 403, "Forbidden",
      404, "Not Found", 408, "Request Timeout", 429, "Too Many Requests", 500, "Internal Server Error",
      502, "Bad Gateway", 503, "Service Unavailable", 504, "Gateway Timeout");
  /** {@link #remaining} when every request fails until healed. */
  private static final int ALL = -1;

  private int status;
  private int remaining;
  private Duration delay = Duration.ZERO;
  private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

  synchronized void failNext(int status, int count) {
    this.status = status;
    this.remaining = count;
  }

  synchronized void failAll(int status) {
    this.status = status;
    this.remaining = ALL;
  }

  synchronized void delayAll(Duration delay) {
    this.delay = delay;
  }

  synchronized void heal() {
    remaining = 0;
    delay = Duration.ZERO;
  }

  /** Counts the request; the delay to wait before answering it. */
  Duration arrived(String path) {
    requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
    synchronized (this) {
      return delay;
    }
  }

  /** The injected failure this request gets instead of an answer, or null. */
  synchronized RegistryException failure() {
    if (remaining == 0) {
      return null;
    }
    if (remaining > 0) {
      remaining--;
    }
    return RegistryException.http(status, REASONS.getOrDefault(status, "Error") + " (injected fault)");
  }

  int requestCount(String path) {
    AtomicInteger count = requests.get(path);
    return count == null ? 0 : count.get();
  }
}
