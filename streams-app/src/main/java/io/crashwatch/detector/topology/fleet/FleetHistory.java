package io.crashwatch.detector.topology.fleet;

/**
 * The fleet's recent past, for the baseline test: device-hours and failures of all its devices (not
 * survivors; repeats count) in {@link #BUCKETS} buckets over the baseline window, oldest dropped as
 * the clock moves on. A rollout reads the window before its start once and keeps it.
 */
public final class FleetHistory {
  /** Buckets per baseline window: a window read at any start is exact to one bucket. */
  static final int BUCKETS = 64;

  /** Index (event time / bucket width) of the newest bucket, held at {@code hours[BUCKETS]}. */
  public long newest;
  public double[] hours = new double[BUCKETS + 1];
  public long[] failures = new long[BUCKETS + 1];

  static long bucketWidthMs(long windowMs) {
    return Math.max(1, windowMs / BUCKETS);
  }

  /** {@code deviceHours} of exposure, all of it ending at {@code atMs}. */
  void exposure(double deviceHours, long atMs, long windowMs) {
    int i = slot(atMs, windowMs);
    if (i >= 0) {
      hours[i] += deviceHours;
    }
  }

  void failure(long atMs, long windowMs) {
    int i = slot(atMs, windowMs);
    if (i >= 0) {
      failures[i]++;
    }
  }

  /** Device-hours and failures in the window that ends at {@code endMs}. */
  Window window(long endMs, long windowMs) {
    long width = bucketWidthMs(windowMs);
    long from = Math.floorDiv(endMs - windowMs, width);
    long to = Math.floorDiv(endMs, width);
    double h = 0;
    long f = 0;
    for (int i = 0; i <= BUCKETS; i++) {
      long bucket = newest - BUCKETS + i;
      if (bucket >= from && bucket <= to) {
        h += hours[i];
        f += failures[i];
      }
    }
    return new Window(h, f);
  }

  record Window(double deviceHours, long failures) {
  }

  /** The slot for an event time, moving the window forward when it is newer; -1 when too old to keep. */
  private int slot(long atMs, long windowMs) {
    long bucket = Math.floorDiv(atMs, bucketWidthMs(windowMs));
    if (bucket > newest) {
      shift(bucket - newest);
      newest = bucket;
    }
    long index = BUCKETS - (newest - bucket);
    return index < 0 ? -1 : (int) index;
  }

  private void shift(long by) {
    int n = BUCKETS + 1;
    int s = (int) Math.min(by, n);
    System.arraycopy(hours, s, hours, 0, n - s);
    System.arraycopy(failures, s, failures, 0, n - s);
    java.util.Arrays.fill(hours, n - s, n, 0);
    java.util.Arrays.fill(failures, n - s, n, 0);
  }
}
