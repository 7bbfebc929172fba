package io.crashwatch.detector.topology.status;

import java.util.List;
import java.util.Map;

/**
 * Everything the detector can say of one target: its state and since when, why, the test of its version in its
 * fleet (for a fleet target), its standing on the kill switch and the global one's, and the global test (for a
 * global target); which instance served each part.
 *
 * @param state    {@code HALTED}, {@code HALTED_GLOBALLY} (its fleet target is not, the global one is),
 *                 {@code TRIPPED}, {@code CANNOT_JUDGE}, {@code UNDER_TEST}, {@code ESTABLISHED} or {@code NOT_TESTED}
 * @param servedBy per part ({@code test}, {@code killSwitch}), the instance that answered, marked when a standby did
 * @param warnings what may make the answer incomplete or stale
 */
public record TargetStatus(String target, String state, String since, String why, VersionStatus test, Halt halt,
                           Halt globalHalt, GlobalTest global, Map<String, String> servedBy, List<String> warnings,
                           FleetAccount fleetAccount) {

  /** The same, with the false-halt account of the target's fleet (null for a global target). */
  public TargetStatus withFleetAccount(FleetAccount account) {
    return new TargetStatus(target, state, since, why, test, halt, globalHalt, global, servedBy, warnings, account);
  }

  /** A fleet target from its version's test (null when fleet statistics know none) and the kill switch (null: none). */
  public static TargetStatus ofFleet(String target, VersionStatus test, KillSwitchStatus killSwitch, String fleet,
                                     Map<String, String> servedBy, List<String> warnings) {
    Halt halt = killSwitch == null ? null : killSwitch.fleets().get(fleet);
    Halt global = killSwitch == null || !killSwitch.global().halted() ? null : killSwitch.global();
    if (halt != null && halt.halted()) {
      return new TargetStatus(target, "HALTED", halt.haltedAt(), "halted (" + halt.reason() + ")"
          + (halt.evidence() == null ? "" : ": " + halt.evidence().failedDevices() + " of " + halt.evidence().devicesOnVersion()
          + " devices failed, " + halt.evidence().comparison().toLowerCase(java.util.Locale.ROOT) + " test statistic "
          + Numbers.number(halt.evidence().testStatistic()) + " against " + Numbers.number(halt.evidence().threshold()))
          + (halt.note() == null ? "" : "; " + halt.note()) + ". Lift it with: " + halt.resumeCommand(),
          test, halt, global, null, servedBy, warnings, null);
    }
    if (global != null) {
      return new TargetStatus(target, "HALTED_GLOBALLY", global.haltedAt(), "halted by the global target " + global.target()
          + "; a RESUME of the fleet target does not lift it. Lift it with: " + global.resumeCommand()
          + " (" + global.approvals() + " operator keys)", test, halt, global, null, servedBy, warnings, null);
    }
    if (test == null) {
      return null;
    }
    return new TargetStatus(target, test.state(), test.since(), test.reason(), test, halt, null, null, servedBy, warnings, null);
  }

  /** A global target from the kill switch (null: it keeps nothing of the version). */
  public static TargetStatus ofGlobal(String target, KillSwitchStatus killSwitch, Map<String, String> servedBy,
                                      List<String> warnings) {
    if (killSwitch == null) {
      return null;
    }
    Halt global = killSwitch.global();
    GlobalTest test = killSwitch.globalTest();
    String state;
    String why;
    if (global.halted()) {
      state = "HALTED";
      why = "halted (" + global.reason() + "): " + test.reason() + ". Lift it with: " + global.resumeCommand() + " ("
          + global.approvals() + " operator keys)";
    } else if (!test.trippedFleets().isEmpty() || !test.gatedFleets().isEmpty() || test.pooledControl() > 0 || test.pooledBaseline() > 0) {
      state = "UNDER_TEST";
      why = test.reason();
    } else if (!test.cannotJudgeFleets().isEmpty()) {
      state = "CANNOT_JUDGE";
      why = "cannot judge it in " + test.cannotJudgeFleets().size() + " fleet(s), e.g. " + test.cannotJudgeFleets().get(0);
    } else {
      state = "NOT_TESTED";
      why = "no fleet has reported evidence on it";
    }
    return new TargetStatus(target, state, global.halted() ? global.haltedAt() : null, why, null, global, null, test,
        servedBy, warnings, null);
  }
}
