package io.crashwatch.detector.topology.device;

/**
 * Whether the detector has read a heartbeat partition to its end: how far its task has processed,
 * against the partition's end as the broker says it was, never what a device's clock says. Silence means
 * something only on a partition read to its end; unknown means not.
 *
 * <p>The topology asks; the process that runs it answers (from end offsets it samples), so the topology
 * stays free of I/O.
 */
@FunctionalInterface
public interface FetchLag {
  /**
   * Every partition read to its end at every moment: for a topology driven record by record without
   * a consumer (TopologyTestDriver, MockProcessorContext), where nothing can be behind.
   */
  FetchLag NONE = (partition, nextOffset, wallMs) -> true;

  /**
   * Whether the task of heartbeat partition {@code partition}, having processed the records before
   * {@code nextOffset}, has processed everything the partition held at some moment within a heartbeat
   * interval before {@code wallMs}; false when nothing is known of it (or {@code nextOffset} is -1: no
   * heartbeat processed yet).
   */
  boolean caughtUp(int partition, long nextOffset, long wallMs);
}
