package io.crashwatch.detector.topology.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.DeviceChange.Failure;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Dark enters a fleet's tests two heartbeat intervals after it is declared, unless it belongs to an
 * incident: devices that did not just change going dark together.
 */
class IncidentTest {
  private static final long HOUR = 3_600_000L;
  private static final long T0 = 1_721_000_000_000L;
  private static final String FLEET = "airline-ops";
  private static final String COMPONENT = "channel-291";

  private final DetectionRules rules = DetectionRules.defaults();
  private final long delay = FleetStatistics.darkDelay(rules);
  private final FleetStatistics stats = new FleetStatistics(FLEET, COMPONENT);
  private final CollectedDecisions decisions = new CollectedDecisions();

  /** 200 devices on r40; 20 of them (device 0 to 19) take r41 an hour later: a 10 % canary. */
  IncidentTest() {
    stats.apply(DeviceChange.firstSeen(FLEET, COMPONENT, "r40", 200, T0), rules, decisions);
    for (int i = 0; i < 20; i++) {
      stats.apply(DeviceChange.applied(FLEET, COMPONENT, "r41", "r40", false, "d" + i, List.of(), T0 + HOUR), rules,
          decisions);
    }
  }

  /**
   * A site loses its network: half the canary and a sixth of the control go dark within a minute, all
   * long after they last changed. Counted, that imbalance would trip r41; it is an incident instead.
   */
  @Test
  void shouldPauseDarkEvidenceForBothArmsInAnIncidentAndSayItOnce() {
    long wall = T0 + 2 * HOUR;
    for (int i = 0; i < 40; i++) {
      int device = i < 10 ? i : 20 + i;
      dark(device, wall + i * 1_000, false);
    }
    stats.onWallClock(wall + 40_000, rules, decisions);
    assertThat(decisions.incidents).singleElement().satisfies(i -> {
      assertThat(i.firing()).isTrue();
      assertThat(i.fleetId()).isEqualTo(FLEET);
    });

    stats.onWallClock(wall + 40_000 + delay, rules, decisions); // the dark enters the tests, and the incident is over
    assertThat(decisions.verdicts).isEmpty();
    assertThat(stats.versions.get("r41").test.failedDevices).as("no evidence either way").isZero();
    assertThat(decisions.incidents).extracting(i -> i.firing()).containsExactly(true, false);
    assertThat(stats.dueMs(wall + HOUR, rules)).as("nothing waits any more").isZero();
  }

  /**
   * In a noisy fleet the incident's own dark, most of it from devices that had just switched, must
   * not raise the bar it is measured against: the history is the fleet's past, not this burst.
   */
  @Test
  void shouldMeasureAnIncidentAgainstTheFleetsPastNotAgainstItself() {
    for (int i = 0; i < 100; i++) { // a noisy fleet: failures all along
      crash(30 + i, T0 + HOUR + 60_000 + i * 60_000L);
    }
    long wall = T0 + 3 * HOUR;
    for (int i = 0; i < 60; i++) { // the outage darkens devices that just switched and devices that did not
      dark(140 + i, wall + i * 100, i % 4 == 0 ? false : true);
    }

    assertThat(decisions.incidents).extracting(i -> i.firing()).containsExactly(true);
  }

  /** The same number of canary devices going dark right after the update: a boot loop, never an incident. */
  @Test
  void shouldNotTakeABootLoopRightAfterAnUpdateForAnIncident() {
    long wall = T0 + HOUR + 10_000;
    for (int i = 0; i < 10; i++) {
      dark(i, wall + i * 1_000, true);
    }
    stats.onWallClock(wall + 10_000 + delay, rules, decisions);

    assertThat(decisions.incidents).isEmpty();
    assertThat(decisions.verdicts).singleElement().satisfies(v -> assertThat(v.reason()).isEqualTo("DEVICES_DARK"));
  }

  /** Tasks declare dark at different times: it waits two heartbeat intervals, so an incident can show first. */
  @Test
  void shouldLetDarkEnterTheTestsOnlyTwoHeartbeatIntervalsAfterItIsDeclared() {
    long wall = T0 + HOUR + 10_000;
    for (int i = 0; i < 10; i++) {
      dark(i, wall, true);
    }
    assertThat(stats.dueMs(wall, rules)).isEqualTo(wall + delay);

    stats.onWallClock(wall + delay - 1, rules, decisions);
    assertThat(decisions.verdicts).isEmpty();

    stats.onWallClock(wall + delay, rules, decisions);
    assertThat(decisions.verdicts).hasSize(1);
  }

  private void crash(int device, long atMs) {
    stats.apply(DeviceChange.failed(FLEET, COMPONENT, "r40", "r40", "d" + device, Failure.CRASH, true, "0x50/m",
        List.of(), atMs, true), rules, decisions);
  }

  private void dark(int device, long wallMs, boolean specific) {
    String version = device < 20 ? "r41" : "r40";
    stats.apply(DeviceChange.failed(FLEET, COMPONENT, version, version, "d" + device, Failure.DARK, true, null,
        List.of(), wallMs, specific), rules, decisions);
  }
}
