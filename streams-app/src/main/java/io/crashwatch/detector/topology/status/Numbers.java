package io.crashwatch.detector.topology.status;

import java.time.Instant;
import java.util.Locale;

/** Statistics and thresholds as a person reads them in a reason: 12.8, 2,000, 1.1e+07. */
public final class Numbers {
  private Numbers() {
  }

  public static String number(double x) {
    double a = Math.abs(x);
    if (a < 1_000) {
      String s = String.format(Locale.ROOT, "%.3g", x);
      return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }
    return a < 1e6 ? String.format(Locale.ROOT, "%,.0f", x) : String.format(Locale.ROOT, "%.2g", x);
  }

  /** An instant as the APIs give times: ISO-8601, UTC. */
  public static String iso(long ms) {
    return Instant.ofEpochMilli(ms).toString();
  }

  /** {@code part} of {@code whole}; 0 of nothing. */
  public static double share(long part, long whole) {
    return whole > 0 ? (double) part / whole : 0;
  }
}
