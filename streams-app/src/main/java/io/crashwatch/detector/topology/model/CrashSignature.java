package io.crashwatch.detector.topology.model;

/**
 * A crash's signature, bugcheck code and faulting module, as {@link DeviceChange#signature()} carries
 * it: {@code 0x50/csagent.sys}, or {@code 0x50/unknown} when the report names no module. Written by
 * device state, read back by the analysts' signature counts.
 */
public final class CrashSignature {
  private static final String UNKNOWN_MODULE = "unknown";

  private CrashSignature() {
  }

  public static String of(int bugcheckCode, String faultingModule) {
    return String.format("0x%X/%s", bugcheckCode, faultingModule == null ? UNKNOWN_MODULE : faultingModule);
  }

  public static int bugcheckCode(String signature) {
    return Integer.parseUnsignedInt(parts(signature)[0].substring(2), 16);
  }

  /** Null when the report named no module. */
  public static String faultingModule(String signature) {
    String module = parts(signature)[1];
    return UNKNOWN_MODULE.equals(module) ? null : module;
  }

  private static String[] parts(String signature) {
    return signature.split("/", 2);
  }
}
