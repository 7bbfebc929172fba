package io.crashwatch.detector.topology.fleet;

import java.util.HashMap;
import java.util.Map;

/**
 * One version of a component in one fleet: its exposed and failed devices and, once devices switch
 * to it (a rollout), its sequential test. Failure counts restart on an operator RESUME; exposure does
 * not, so the control stays the same.
 */
public final class VersionStatistics {
  /** Devices on this version now. */
  public long exposed;
  /**
   * Devices on this version that have not failed on it: a device counts once per version, so only
   * these can still add a failure, and the test weighs versions by them.
   */
  public long atRisk;
  /** Distinct devices failed on it since the test (re)started. */
  public long failedDevices;
  public long crashedDevices;
  public long uncleanReboots;
  public long darkDevices;
  /** Devices dark right now. */
  public long darkNow;
  /** Set once a device switched to this version from another: the version is being rolled out. */
  public boolean rolledOut;
  public long rolloutStartMs;
  /** The fleet's pre-rollout failure rate (per device-hour) this version is compared with when it has no control. */
  public double baselineRate;
  /** At-risk device-hours on this version since it was first seen or its test restarted. */
  public double deviceHours;
  public long firstFailureMs;
  /** RESUMEs so far: part of the command id, so each decision has its own. */
  public int epoch;
  public boolean tripped;
  public double[] logControl;
  public double[] logBaseline;
  public Map<String, Long> signatures = new HashMap<>();

  /** Back to the start of the test, as after an operator RESUME. */
  void resetTest() {
    failedDevices = 0;
    crashedDevices = 0;
    uncleanReboots = 0;
    darkDevices = 0;
    deviceHours = 0;
    firstFailureMs = 0;
    tripped = false;
    logControl = null;
    logBaseline = null;
    signatures.clear();
    epoch++;
  }

  String topSignature() {
    return signatures.entrySet().stream()
        .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey).orElse(null);
  }
}
