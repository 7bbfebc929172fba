package io.crashwatch.detector.topology.rejects;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts of input sent to the dead-letter topic, by reason, for this JVM: what an SRE graphs to
 * notice an agent fleet sending garbage. Served on {@code /metrics}.
 */
public final class RejectedInput {
  private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

  private RejectedInput() {
  }

  static void count(String reason) {
    COUNTS.computeIfAbsent(reason, r -> new LongAdder()).increment();
  }

  /** Reason → records rejected so far, sorted by reason. */
  public static Map<String, Long> counts() {
    Map<String, Long> snapshot = new TreeMap<>();
    COUNTS.forEach((reason, n) -> snapshot.put(reason, n.sum()));
    return snapshot;
  }
}
