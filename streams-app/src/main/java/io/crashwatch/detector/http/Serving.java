package io.crashwatch.detector.http;

import java.util.concurrent.atomic.AtomicReference;

/** What a group of routes answers from, once Kafka Streams exists; until then each route is a 503 saying so. */
final class Serving<T> {
  private final AtomicReference<T> queries = new AtomicReference<>();

  void set(T q) {
    queries.set(q);
  }

  T get() {
    T q = queries.get();
    if (q == null) {
      throw new ApiException(503, "the detector is starting");
    }
    return q;
  }
}
