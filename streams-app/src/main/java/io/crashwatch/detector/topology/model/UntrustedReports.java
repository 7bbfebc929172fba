package io.crashwatch.detector.topology.model;

/**
 * Crash reports one device-state task refused as evidence since its last scan: from devices never
 * seen heartbeating, or naming a version the device was never seen on. Each task sends its tally,
 * with one example, to the detector's single health key ({@link HealthReport}), where they add up
 * to one alert for the whole application — never one per task or per instance.
 *
 * @param reports       how many reports were refused
 * @param exampleFleet  the fleet one of them named
 * @param exampleDevice the device that sent it
 * @param exampleReason why it was refused, in words
 * @param atMs          wall-clock time of the tally
 */
public record UntrustedReports(long reports, String exampleFleet, String exampleDevice, String exampleReason, long atMs) {
  /** This tally with {@code more} reports added; the example stays the first one. */
  public UntrustedReports plus(long more, String fleet, String device, String reason, long nowMs) {
    return reports == 0 ? new UntrustedReports(more, fleet, device, reason, nowMs)
        : new UntrustedReports(reports + more, exampleFleet, exampleDevice, exampleReason, nowMs);
  }

  public static UntrustedReports none() {
    return new UntrustedReports(0, null, null, null, 0);
  }
}
