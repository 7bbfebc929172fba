package io.crashwatch.loadgen.scenario;

/**
 * What a rollout should come to: YAML {@code halt} or {@code no-halt}. Absent, it is HALT for a rollout
 * with an effect and NO_HALT for a healthy one.
 */
public enum Expect {
  HALT,
  NO_HALT
}
