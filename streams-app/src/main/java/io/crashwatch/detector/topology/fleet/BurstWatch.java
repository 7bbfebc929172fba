package io.crashwatch.detector.topology.fleet;

import java.util.ArrayDeque;

/**
 * Watches one fleet for failures arriving together at a clearly raised rate. Incidents: devices that
 * did not just change — heard from more than {@code dark-window} after their last switch or boot —
 * going dark together, as a site losing its network does (a boot loop right after an update darkens
 * devices that did just change, so July-19's signal is never taken for an incident); times are the
 * detector's wall clock, like the dark they count. Spikes: crashes on established versions, in
 * event time.
 */
public final class BurstWatch {
  /** Arrival times of the failures within the trailing window, oldest first. */
  public ArrayDeque<Long> recent = new ArrayDeque<>();
  /** When the burst under way began; 0 while there is none. */
  public long sinceMs;
  /** The latest moment the trailing count was at its threshold. */
  public long lastRaisedMs;
  /** The latest burst that ended: an incident's dark that arrived within it stays paused. */
  public long lastSinceMs;
  public long lastEndedMs;
  /** Most failures counted in the trailing window during this burst, for the alert. */
  public long peak;

  boolean active() {
    return sinceMs > 0;
  }

  /** A failure arrived; true when that starts a burst. */
  boolean arrived(long atMs, long threshold, long windowMs) {
    recent.addLast(atMs);
    trim(atMs, windowMs);
    if (recent.size() < threshold) {
      return false;
    }
    lastRaisedMs = atMs;
    peak = Math.max(peak, recent.size());
    if (active()) {
      return false;
    }
    sinceMs = recent.peekFirst();
    return true;
  }

  /** True when the burst under way ended: a whole window below its threshold. */
  boolean ended(long nowMs, long windowMs) {
    trim(nowMs, windowMs);
    if (!active() || nowMs - lastRaisedMs < windowMs) {
      return false;
    }
    lastSinceMs = sinceMs;
    lastEndedMs = nowMs;
    sinceMs = 0;
    peak = 0;
    return true;
  }

  /** Whether dark that arrived at {@code darkAtMs} belongs to an incident: then it is no evidence. */
  boolean pauses(long darkAtMs, long windowMs) {
    return active() && darkAtMs >= sinceMs - windowMs
        || lastEndedMs > 0 && darkAtMs >= lastSinceMs - windowMs && darkAtMs <= lastEndedMs;
  }

  private void trim(long nowMs, long windowMs) {
    while (!recent.isEmpty() && recent.peekFirst() <= nowMs - windowMs) {
      recent.removeFirst();
    }
  }
}
