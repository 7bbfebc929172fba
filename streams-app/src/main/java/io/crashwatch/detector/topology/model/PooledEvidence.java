package io.crashwatch.detector.topology.model;

import java.util.List;

/**
 * What one fleet's test of a version learned since its last report, for the pooled global test:
 * per alternative ratio, the increase of the log-likelihood ratio of its control test, and of its
 * baseline test per pace. The kill switch adds them across fleets (a product of independent test
 * martingales, stratified by fleet) and mixes. Sent at each of the version's failures in the fleet:
 * between them the fleet's evidence only falls, so sums that wait for the next report overstate
 * nothing a test at that moment could not have seen.
 *
 * @param control  increments of the control test's logs, one per grid ratio
 * @param baseline increments of the baseline test's logs, pace by pace, one per grid ratio
 */
public record PooledEvidence(String fleetId, String component, String version, List<Double> control,
                             List<Double> baseline) {
}
