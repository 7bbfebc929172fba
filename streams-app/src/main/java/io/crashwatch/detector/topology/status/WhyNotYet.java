package io.crashwatch.detector.topology.status;

/**
 * Why a version under test is not halted yet, and how far it is from it: {@code min-devices} first, then the
 * deciding test.
 *
 * @param moreFailedDevices about how many more of its devices would have to fail, at today's exposure, for it to
 *                          trip; null when it cannot trip (it cannot be judged, or too few devices are at risk)
 * @param moreForMinDevices failed devices it still lacks to reach {@code min-devices}
 * @param moreForTheTest    failures the deciding test still needs; null when none at risk would do
 */
public record WhyNotYet(Integer moreFailedDevices, long failedDevices, int minDevices, long moreForMinDevices,
                        Integer moreForTheTest, String reason) {
}
