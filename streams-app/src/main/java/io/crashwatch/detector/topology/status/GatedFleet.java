package io.crashwatch.detector.topology.status;

/** A fleet whose trip a trust gate kept out of the global test: {@code allowlist}, {@code size} or {@code age}. */
public record GatedFleet(String fleet, String gate, String reason, String at) {
}
