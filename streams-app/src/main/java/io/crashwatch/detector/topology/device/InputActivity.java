package io.crashwatch.detector.topology.device;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How fresh the heartbeat input of this instance is, partition by partition (task by task). Dark
 * detection trusts silence only where the detector is caught up, and nowhere during an outage of the
 * whole input: a restarting, restoring or lagging detector declares nobody dark.
 *
 * <p>One per Kafka Streams instance, shared by its tasks (which may run on several threads).
 */
public final class InputActivity {

  /**
   * Per task: when it last processed a heartbeat, whether it was caught up then, and since when; when
   * it last scanned for silent devices.
   */
  private static final class Partition {
    volatile long lastRecordWallMs;
    volatile long lastScanWallMs;
    volatile boolean caughtUp;
    volatile long caughtUpSinceMs;
  }

  private final long heartbeatIntervalMs;
  private final long inputSilenceMs;
  private final Map<String, Partition> partitions = new ConcurrentHashMap<>();
  private final AtomicBoolean outageFiring = new AtomicBoolean();
  private volatile long outageSinceMs;

  public InputActivity(long heartbeatIntervalMs, long inputSilenceMs) {
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.inputSilenceMs = inputSilenceMs;
  }

  /** A task starts: silence is counted from now, and it is not caught up until a fresh heartbeat. */
  void open(String task, long wallMs) {
    Partition p = new Partition();
    p.lastRecordWallMs = wallMs;
    p.lastScanWallMs = wallMs;
    partitions.put(task, p);
  }

  void close(String task) {
    partitions.remove(task);
  }

  /**
   * A heartbeat was processed. It is fresh when it was sent less than one heartbeat interval ago:
   * a detector reading old records fast is behind, whatever its throughput.
   */
  void heartbeat(String task, long eventMs, long wallMs) {
    Partition p = partitions.computeIfAbsent(task, t -> new Partition());
    p.lastRecordWallMs = wallMs;
    boolean fresh = wallMs - eventMs < heartbeatIntervalMs;
    if (fresh && !p.caughtUp) {
      p.caughtUpSinceMs = wallMs;
    }
    p.caughtUp = fresh;
  }

  /**
   * The task scans for silent devices. When its previous scan is more than a heartbeat interval ago
   * its thread stood still (a slow commit, a pause): heartbeats sent meanwhile wait unread, so its
   * devices only look silent, and the partition counts as caught up again only at a fresh heartbeat.
   */
  void scanned(String task, long wallMs) {
    Partition p = partitions.computeIfAbsent(task, t -> new Partition());
    if (wallMs - p.lastScanWallMs > heartbeatIntervalMs) {
      p.caughtUp = false;
    }
    p.lastScanWallMs = wallMs;
  }

  /**
   * Since when silence on this partition means something: the moment it was last caught up after
   * a start, a lag or an outage; -1 while it is not caught up or the whole input is silent.
   */
  long trustSilenceSince(String task, long wallMs) {
    Partition p = partitions.get(task);
    if (p == null || !p.caughtUp || inputSilent(wallMs)) {
      return -1;
    }
    return p.caughtUpSinceMs;
  }

  /** Every heartbeat partition this instance owns has been silent for {@code input-silence}. */
  boolean inputSilent(long wallMs) {
    if (partitions.isEmpty()) {
      return false;
    }
    for (Partition p : partitions.values()) {
      if (wallMs - p.lastRecordWallMs < inputSilenceMs) {
        return false;
      }
    }
    return true;
  }

  /** True once per outage, for the task that should raise the alert. */
  boolean startOutage(long wallMs) {
    if (outageFiring.compareAndSet(false, true)) {
      outageSinceMs = wallMs;
      for (Partition p : partitions.values()) {
        p.caughtUp = false; // after the outage, silence counts again only from the resume
      }
      return true;
    }
    return false;
  }

  /** True once when input resumes after an outage. */
  boolean endOutage() {
    return outageFiring.compareAndSet(true, false);
  }

  boolean outageFiring() {
    return outageFiring.get();
  }

  long outageSinceMs() {
    return outageSinceMs;
  }
}
