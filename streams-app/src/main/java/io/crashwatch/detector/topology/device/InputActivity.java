package io.crashwatch.detector.topology.device;

import io.crashwatch.detector.topology.model.PartitionLiveness;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How live the heartbeat input of this instance is, partition by partition (task by task). Dark
 * detection trusts silence only where the detector is caught up — a fetch showed lag 0 within a
 * heartbeat interval ({@link FetchLag}: it has processed what the partition held then), never a device's clock — and nowhere while this instance's whole input is
 * silent: a restarting, restoring or lagging detector declares nobody dark. Each task also reports
 * its partition's liveness ({@link PartitionLiveness}) to the detector's health, where the alerts
 * about the input are decided once for the whole application.
 *
 * <p>One per Kafka Streams instance, shared by its tasks (which may run on several threads).
 */
public final class InputActivity {

  /**
   * Per task: when it last processed a heartbeat (and whether it ever did), whether it is caught up
   * and since when it is (or is not); when it last scanned; what it last reported, and when.
   */
  private static final class Partition {
    volatile long lastRecordWallMs;
    volatile boolean hadInput;
    volatile long lastScanWallMs;
    volatile boolean caughtUp;
    volatile long stateSinceMs;
    PartitionLiveness reported;
    boolean reportedSilent;
    volatile boolean lastScanOnTime;
    volatile boolean fetchBehind;
    /** The offset after the last heartbeat processed; -1: none yet. */
    volatile long nextOffset = -1;
  }

  private final long heartbeatIntervalMs;
  private final long inputSilenceMs;
  private final FetchLag lag;
  private final Map<String, Partition> partitions = new ConcurrentHashMap<>();

  public InputActivity(long heartbeatIntervalMs, long inputSilenceMs, FetchLag lag) {
    this.heartbeatIntervalMs = heartbeatIntervalMs;
    this.inputSilenceMs = inputSilenceMs;
    this.lag = lag;
  }

  /** A task starts: silence is counted from now, and it is not caught up until a fetch shows it is. */
  void open(String task, long wallMs) {
    Partition p = new Partition();
    p.lastRecordWallMs = wallMs;
    p.lastScanWallMs = wallMs;
    p.stateSinceMs = wallMs;
    partitions.put(task, p);
  }

  void close(String task) {
    partitions.remove(task);
  }

  /**
   * A heartbeat was processed: the partition has input. When it was sent does not matter here.
   *
   * @param nextOffset the offset after it in its partition; -1 when not known
   */
  void heartbeat(String task, long wallMs, long nextOffset) {
    Partition p = partitions.computeIfAbsent(task, t -> new Partition());
    p.lastRecordWallMs = wallMs;
    p.hadInput = true;
    p.nextOffset = Math.max(p.nextOffset, nextOffset);
  }

  /**
   * The task scans for silent devices: is its partition caught up now? Only when it has processed what
   * the partition held at some moment within a heartbeat interval, and this scan is on time. When the previous scan is more than a heartbeat
   * interval ago the thread stood still (a slow commit, a pause): heartbeats sent meanwhile wait
   * unread, so its devices only look silent. While this instance's whole input is silent, no partition
   * is, so silence counts again only from when input resumes.
   */
  void scanned(String task, int partition, long wallMs) {
    Partition p = partitions.computeIfAbsent(task, t -> new Partition());
    boolean onTime = wallMs - p.lastScanWallMs <= heartbeatIntervalMs;
    p.fetchBehind = !lag.caughtUp(partition, p.nextOffset, wallMs);
    boolean caughtUp = onTime && !inputSilent(wallMs) && !p.fetchBehind;
    if (caughtUp != p.caughtUp) {
      p.stateSinceMs = wallMs;
    }
    p.caughtUp = caughtUp;
    p.lastScanOnTime = onTime;
    p.lastScanWallMs = wallMs;
  }

  /**
   * What the task should tell the detector's health about its partition now: when it became or
   * stopped being caught up, started or stopped having input, and at least once a heartbeat interval
   * (so a partition nobody reports on stands out). Null when nothing is due, and after a scan that
   * came late: the thread stood still, the heartbeats sent meanwhile wait unread, and a partition that
   * only looks silent must not add up to a TELEMETRY_OUTAGE (one JVM pause would make all of them).
   */
  PartitionLiveness liveness(String task, int partition, long wallMs) {
    Partition p = partitions.get(task);
    if (p == null || !p.lastScanOnTime) {
      return null;
    }
    boolean silent = !p.hadInput || wallMs - p.lastRecordWallMs >= inputSilenceMs;
    PartitionLiveness before = p.reported;
    if (before != null && before.caughtUp() == p.caughtUp && p.reportedSilent == silent
        && wallMs - before.atMs() < heartbeatIntervalMs) {
      return null;
    }
    p.reportedSilent = silent;
    p.reported = new PartitionLiveness(partition, p.caughtUp, p.stateSinceMs, p.hadInput, p.lastRecordWallMs, wallMs);
    return p.reported;
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
    return p.stateSinceMs;
  }

  /**
   * Whether the consumer's fetches showed the task's partition behind at its latest scan: known to
   * lag, not merely unknown (before the first scan a report is taken as it comes, as ever).
   */
  boolean behind(String task) {
    Partition p = partitions.get(task);
    return p != null && p.fetchBehind;
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
}
