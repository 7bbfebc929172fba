package io.crashwatch.detector.topology.status;

/**
 * One crash signature on one version.
 *
 * @param faultingModule null when the reports named none
 * @param devices   distinct devices that crashed with it on the version (estimated beyond a few dozen: within about
 *                  1 % up to a few thousand)
 * @param isNew     no other version of the component in the fleet had it before it was first seen on this one
 * @param regressed not new, and the version this one replaced had none: it came back
 */
public record SignatureView(String signature, int bugcheckCode, String faultingModule, long devices, long crashes,
                            String firstSeen, String lastSeen, boolean isNew, boolean regressed) {
}
