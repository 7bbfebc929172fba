package io.crashwatch.loadgen.sim;

import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.OperatorAction;
import java.time.Instant;

/**
 * What a simulation sends: its agents' heartbeats and crash reports, its rollout services' deployments
 * and its operator's commands. Times are as the device's own clock reads them. {@link Telemetry} sends
 * them to Kafka; a test records them.
 */
interface Outbox {
  void heartbeat(Device d, String fleetId, HeartbeatReason reason, boolean unclean, Instant sentAt, long uptimeMs);

  void crashReport(Device d, String fleetId, Instant crashedAt, Instant uploadedAt, int bugcheck, String faultingModule);

  void deployment(String fleetId, String component, String version, String previous);

  /** @param target fleet ids as sent */
  void operatorCommand(String target, OperatorAction action, String reason, String lifts);
}
