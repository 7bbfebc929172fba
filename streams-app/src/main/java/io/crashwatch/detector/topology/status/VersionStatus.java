package io.crashwatch.detector.topology.status;

import java.util.List;

/**
 * What fleet statistics know of one version in one fleet: its test, from which the decision is made.
 *
 * @param state      {@code UNDER_TEST}, {@code TRIPPED}, {@code CANNOT_JUDGE}, {@code ESTABLISHED} or {@code NOT_TESTED}
 * @param since      when it entered that state (event time; ISO-8601)
 * @param recomputed the fields computed when read, from what the test keeps: not stored anywhere
 */
public record VersionStatus(String fleet, String component, String version, String state, String since, String reason,
                            Rollout rollout, Arm candidate, Arm control, Failures failures, String decidingTest,
                            String decidingBecause, List<TestResult> tests, WhyNotYet whyNotYet, List<String> recomputed) {
}
