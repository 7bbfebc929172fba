package io.crashwatch.detector.topology.model;

/**
 * One step of a fleet's false-halt account, for the detector's health: a version's test started there
 * (spending {@code alpha}, its false-halt probability at most), a test tripped, or an operator lifted one
 * of its HALTs as false ({@code resume --false-halt}). Travels inside {@link HealthReport}.
 *
 * @param alpha what a started test spends: the {@code alpha} it runs at; 0 for the other kinds
 */
public record FleetTrial(String fleetId, Kind kind, double alpha) {
  public enum Kind { STARTED, TRIPPED, FALSE_HALT }

  public static FleetTrial started(String fleetId, double alpha) {
    return new FleetTrial(fleetId, Kind.STARTED, alpha);
  }

  public static FleetTrial tripped(String fleetId) {
    return new FleetTrial(fleetId, Kind.TRIPPED, 0);
  }

  public static FleetTrial falseHalt(String fleetId) {
    return new FleetTrial(fleetId, Kind.FALSE_HALT, 0);
  }
}
