package io.crashwatch.detector.topology.status;

/**
 * How far a version's rollout got in its fleet.
 *
 * @param share            devices on the version of the fleet's devices on the component
 * @param startedAt        the test's start (event time): the rollout's start, or the last RESUME
 * @param newDevicesLeftOut devices first seen after the start, in neither arm
 */
public record Rollout(long devicesOnVersion, long devicesSeen, double share, String startedAt, String fromVersion, int resumes,
                      long newDevicesLeftOut) {
}
