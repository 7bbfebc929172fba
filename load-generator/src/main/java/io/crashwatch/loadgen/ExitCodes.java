package io.crashwatch.loadgen;

import io.crashwatch.loadgen.sim.ScenarioReport;

/** Exit codes of {@code ./crashwatch demo} and {@code ./crashwatch scenario}. */
final class ExitCodes {
  static final int OK = 0;
  /** An invalid scenario file or options (picocli uses 2 for its own usage errors too). */
  static final int USAGE = 2;
  /** The run completed but a halt was false or missed, or an expected alert never fired: not a pass. */
  static final int WRONG_HALTS = 3;

  private ExitCodes() {
  }

  /** The code a finished run exits with: the report's verdict, for whoever runs it unattended. */
  static int of(ScenarioReport report) {
    return report.falseHalts() > 0 || report.missedHalts() > 0 || !report.missedAlerts().isEmpty() ? WRONG_HALTS : OK;
  }
}
