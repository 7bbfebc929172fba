package io.crashwatch.detector.topology.status;

import java.util.List;

/**
 * The global test of a component/version: fleets tripped that count, the pooled statistics across every fleet
 * testing it, and the fleets a trust gate kept out.
 *
 * @param pooledControl  the control tests' log-likelihoods summed across fleets, mixed: rejects at the threshold
 * @param pooledBaseline the same of the baseline tests, pace by pace
 */
public record GlobalTest(List<String> trippedFleets, int escalateFleets, double pooledControl, double pooledBaseline,
                         double threshold, List<GatedFleet> gatedFleets, List<String> cannotJudgeFleets, String reason) {
}
