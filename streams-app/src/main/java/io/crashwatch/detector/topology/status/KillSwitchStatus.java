package io.crashwatch.detector.topology.status;

import java.util.Map;

/** What the kill switch keeps of one component/version: each fleet target's standing, the global one's, the global test. */
public record KillSwitchStatus(String component, String version, Map<String, Halt> fleets, Halt global, GlobalTest globalTest) {
}
