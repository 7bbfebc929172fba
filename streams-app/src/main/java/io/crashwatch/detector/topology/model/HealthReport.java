package io.crashwatch.detector.topology.model;

import io.crashwatch.detector.topology.format.StateFormat;

/**
 * What the detector's stages report about its input, all under the one health key ({@link #KEY}),
 * so each alert about it fires once for the whole application: a device-state task's refused
 * evidence or its partition's liveness, a fleet's incident starting or ending, or a step of a fleet's
 * false-halt account. Exactly one is set. Format 2 added liveness (format 1 is read as it was), then trials.
 */
@StateFormat(2)
public record HealthReport(UntrustedReports untrusted, FleetIncident incident, PartitionLiveness liveness, FleetTrial trial) {
  /** The one key of the detector's health stream. */
  public static final String KEY = "detector";

  public static HealthReport of(UntrustedReports untrusted) {
    return new HealthReport(untrusted, null, null, null);
  }

  public static HealthReport of(FleetIncident incident) {
    return new HealthReport(null, incident, null, null);
  }

  public static HealthReport of(PartitionLiveness liveness) {
    return new HealthReport(null, null, liveness, null);
  }

  public static HealthReport of(FleetTrial trial) {
    return new HealthReport(null, null, null, trial);
  }
}
