package io.crashwatch.detector.topology.output;

/** The detector's version, from the jar manifest; "dev" when running from classes (tests, IDE). */
final class DetectorVersion {
  private static final String VERSION = version();

  private DetectorVersion() {
  }

  static String get() {
    return VERSION;
  }

  private static String version() {
    String v = DetectorVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
