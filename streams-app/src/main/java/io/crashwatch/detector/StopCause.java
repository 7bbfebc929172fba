package io.crashwatch.detector;

import io.crashwatch.detector.topology.format.StateFormatException;
import io.crashwatch.serde.SchemaRegistryException;
import java.util.Optional;

/**
 * Why the detector stopped on its own, and the exit code that tells a supervisor whether restarting
 * can help: {@link DetectorMain#EXIT_BAD_CONFIG} when only a changed setting can (so it does not
 * restart in a loop), 1 when a restart may.
 */
record StopCause(int exitCode, String message) {
  static final int EXIT_FAILED = 1;

  static StopCause of(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof StateFormatException) {
        // Restarting reads the same state again: only rolling forward (or a reset) helps.
        return new StopCause(DetectorMain.EXIT_BAD_CONFIG, "unreadable state: " + t.getMessage());
      }
    }
    Optional<SchemaRegistryException> fault = SchemaRegistryException.in(error);
    if (fault.isEmpty()) {
      return new StopCause(EXIT_FAILED, "a stream thread failed: " + innermost(error));
    }
    SchemaRegistryException f = fault.get();
    return switch (f.kind()) {
      // The client's message names the settings to fix.
      case UNAUTHORIZED -> new StopCause(DetectorMain.EXIT_BAD_CONFIG, f.getMessage());
      case UNAVAILABLE -> new StopCause(EXIT_FAILED, "the schema registry could not be reached, so the detector"
          + " stopped without committing; restarted, it waits for the registry and resumes from its last commit: "
          + f.getMessage());
      // Undecodable input never gets here (it is dead-lettered), so this is the detector's own request:
      // e.g. an output schema the registry will not take. Restarting asks the same again.
      case NOT_FOUND, REJECTED -> new StopCause(DetectorMain.EXIT_BAD_CONFIG,
          "the schema registry rejected the detector's request: " + f.getMessage());
    };
  }

  private static String innermost(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
