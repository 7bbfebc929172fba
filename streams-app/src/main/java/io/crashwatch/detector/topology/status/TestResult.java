package io.crashwatch.detector.topology.status;

/**
 * One sequential test's part, as a canary analysis reports a metric: the observed value, what it is compared
 * with, the statistic against its threshold, the sample, a classification and a reason in words.
 *
 * @param test               {@code control} or {@code baseline}
 * @param deciding           whether it is the test that decides the version now
 * @param classification     {@code REJECTS} (the statistic reached the threshold: the version fails more than
 *                           tolerated), {@code NOT_YET}, or {@code CANNOT_REACH} (this history can never reach it)
 * @param rateRatio          the candidate's failures per device-hour over the comparison's; null while the
 *                           comparison has no rate
 * @param moreFailuresToTrip candidate devices that would have to fail, at today's exposure, for the statistic to
 *                           reach the threshold; null when none at risk could
 */
public record TestResult(String test, boolean deciding, String classification, double statistic, double threshold,
                         double toleratedRatio, double observedRate, double comparisonRate, Double rateRatio,
                         String comparedWith, Sample sample, Integer moreFailuresToTrip, String reason) {
}
