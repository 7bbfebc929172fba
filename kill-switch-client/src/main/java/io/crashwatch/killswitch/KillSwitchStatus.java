package io.crashwatch.killswitch;

/** What the kill switch says of a rollout. A rollout proceeds only on PROCEED: UNKNOWN is a halt. */
public enum KillSwitchStatus {
  PROCEED,
  HALTED,
  /** Not read to the end yet: the view cannot know, so it says so. */
  UNKNOWN
}
