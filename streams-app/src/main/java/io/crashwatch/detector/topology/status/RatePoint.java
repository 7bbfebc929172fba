package io.crashwatch.detector.topology.status;

/**
 * One minute of one arm: devices at its end, the devices that first failed within it, and those failures per
 * device-hour (the devices counted for the whole minute).
 */
public record RatePoint(long devices, long failures, double failuresPerDeviceHour) {
  public static RatePoint of(long devices, long failures) {
    return new RatePoint(devices, failures, devices > 0 ? failures * 60.0 / devices : 0);
  }
}
