package io.crashwatch.detector.topology.health;

import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.model.UntrustedReports;

/** What the detector knows of its own input as a whole, under the one health key. */
@StateFormat(1)
public final class DetectorHealth {
  /** Reports refused as evidence since they started coming, with the first example. */
  public UntrustedReports untrusted = UntrustedReports.none();
  /** Wall-clock time of the latest tally. */
  public long lastUntrustedMs;
  /** Refused reports counted when the alert was last sent; 0 while it is not firing. */
  public long alertedAt;
  /** When the alert started firing. */
  public long firingSinceMs;
}
