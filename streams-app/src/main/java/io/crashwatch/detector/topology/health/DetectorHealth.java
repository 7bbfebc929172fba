package io.crashwatch.detector.topology.health;

import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.model.PartitionLiveness;
import io.crashwatch.detector.topology.model.UntrustedReports;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the detector knows of its own input as a whole, under the one health key. Format 1: liveness
 * fields and then the shadow fleets were added to it, which a reader that does not know them skips.
 */
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
  /** Fleets with an incident under way, by fleet id: one FLEET_INCIDENT alert each. */
  public Map<String, Incident> incidents = new TreeMap<>();
  /** Each heartbeat partition's latest liveness, by partition, whichever task and instance sent it. */
  public Map<Integer, PartitionLiveness> partitions = new TreeMap<>();
  /** Some partition has had input: before that, silence is an empty topic, not an outage. */
  public boolean inputSeen;
  /** Since when no partition has had input, while TELEMETRY_OUTAGE fires; 0 while it does not. */
  public long outageSinceMs;
  /** Since when a partition has been behind, while DETECTOR_LAGGING fires; 0 while it does not. */
  public long laggingSinceMs;

  /** The fleets in shadow as last alerted, by fleet id: a FLEET_SHADOW alert fires for each while it stays. */
  public Map<String, Shadow> shadowFleets = new TreeMap<>();

  /** Refused reports stopped coming: the next ones are counted afresh. */
  void forgetUntrusted() {
    untrusted = UntrustedReports.none();
    lastUntrustedMs = 0;
    alertedAt = 0;
    firingSinceMs = 0;
  }

  /** Why a fleet is in shadow (the setting, or whose mark until when), and since when. */
  public static final class Shadow {
    public String why;
    public long sinceMs;
  }

  /** One fleet's incident: the components whose statistics see it, when it began, its worst count. */
  public static final class Incident {
    public Set<String> components = new TreeSet<>();
    public long sinceMs;
    public long darkDevices;
  }
}
