package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.model.EvidenceData;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.Comparison;
import io.crashwatch.schemas.Evidence;
import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/** Builds kill-switch commands and their evidence. */
final class Commands {
  private Commands() {
  }

  /** Stable for the same decision — target, action and how many RESUMEs came before — across replays. */
  static String commandId(Target target, KillSwitchAction action, int epoch) {
    return UUID.nameUUIDFromBytes((target + "|" + action + "|" + epoch).getBytes(StandardCharsets.UTF_8)).toString();
  }

  static KillSwitchCommand command(String commandId, KillSwitchAction action, Target target, HaltReason reason,
                   Evidence evidence, boolean shadow, String actor, String note, long nowMs) {
    return KillSwitchCommand.newBuilder()
        .setCommandId(commandId).setAction(action)
        .setScope(target.isGlobal() ? Scope.GLOBAL : Scope.FLEET)
        .setFleetId(target.fleetId()).setComponent(target.component()).setVersion(target.version())
        .setReason(reason).setIssuedAt(Instant.ofEpochMilli(nowMs)).setShadow(shadow)
        .setEvidence(evidence).setActor(actor).setNote(note)
        .build();
  }

  static Evidence evidence(EvidenceData d, DetectionRules rules) {
    return Evidence.newBuilder()
        .setDevicesOnVersion(d.devicesOnVersion()).setFailedDevices(d.failedDevices())
        .setCrashedDevices(d.crashedDevices()).setDarkDevices(d.darkDevices())
        .setUncleanReboots(d.uncleanReboots()).setFailureRate(d.failureRate())
        .setComparison(Comparison.valueOf(d.comparison())).setControlDevices(d.controlDevices())
        .setControlRate(d.controlRate()).setRateRatio(d.rateRatio())
        .setTestStatistic(d.testStatistic()).setThreshold(d.threshold())
        .setTopSignature(d.topSignature())
        .setFirstFailureAt(d.firstFailureMs() == 0 ? null : Instant.ofEpochMilli(d.firstFailureMs()))
        .setDetectorVersion(DetectorVersion.get())
        .setSettings(rules.asSettings())
        .build();
  }
}
