package io.crashwatch.loadgen.scenario;

/**
 * A scenario file that cannot be run. The message names the file, the line and the key path, e.g.
 * {@code july-19.yaml:12: rollouts[0].waves[2]: 1.5 is above 1 (a cumulative fraction of the fleet)}.
 */
public class ScenarioException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ScenarioException(String message) {
    super(message);
  }

  public ScenarioException(String message, Throwable cause) {
    super(message, cause);
  }
}
