package io.crashwatch.detector.topology.device;

/**
 * Whether the detector has read a heartbeat partition to its end: what Kafka's consumer saw at its
 * fetches, never what a device's clock says. Silence means something only on a partition read
 * to its end; unknown means not.
 *
 * <p>The topology asks; the process that runs it answers (from the consumer's {@code records-lag}),
 * so the topology stays free of I/O.
 */
@FunctionalInterface
public interface FetchLag {
  /**
   * Every partition read to its end at every moment: for a topology driven record by record without
   * a consumer (TopologyTestDriver, MockProcessorContext), where nothing can be behind.
   */
  FetchLag NONE = (partition, wallMs) -> true;

  /**
   * Whether a fetch of heartbeat partition {@code partition} showed lag 0 within a heartbeat interval
   * before {@code wallMs}; false when nothing is known of it.
   */
  boolean caughtUp(int partition, long wallMs);
}
