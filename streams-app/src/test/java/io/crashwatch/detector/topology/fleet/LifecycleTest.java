package io.crashwatch.detector.topology.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.DeviceChange.Failure;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A version's test ends once its rollout completed and baked, or when a later rollout (not a
 * rollback) starts: the version is established, and later, unrelated failures never halt it.
 */
class LifecycleTest {
  private static final long HOUR = 3_600_000L;
  private static final long T0 = 1_721_000_000_000L;
  private static final String FLEET = "airline-ops";
  private static final String COMPONENT = "channel-291";

  private final DetectionRules rules = DetectionRules.from(Map.of("bake-time", "2h", "baseline-window", "24h"));
  private final FleetStatistics stats = new FleetStatistics(FLEET, COMPONENT);
  private final CollectedDecisions decisions = new CollectedDecisions();

  LifecycleTest() {
    stats.apply(DeviceChange.firstSeen(FLEET, COMPONENT, "r40", 100, T0), rules, decisions);
  }

  @Test
  void shouldEstablishAVersionOnceItsRolloutCompletedAndBakedAndNeverHaltItAfter() {
    switchDevices(0, 96, "r40", "r41", T0 + HOUR); // 96 %: complete at 0.95
    tick(T0 + 3 * HOUR - 1);
    assertThat(stats.versions.get("r41").test).as("not baked yet").isNotNull();

    tick(T0 + 3 * HOUR);
    assertThat(stats.versions.get("r41").test).isNull();
    assertThat(stats.versions.get("r41").established).isTrue();

    for (int i = 0; i < 40; i++) { // an outage, a bad day: the fleet's, not the rollout's
      crash(i, "r41", T0 + 4 * HOUR + i);
    }
    switchDevices(96, 100, "r40", "r41", T0 + 5 * HOUR);
    assertThat(decisions.verdicts).isEmpty();
    assertThat(stats.versions.get("r41").test).as("a late switch does not start it over").isNull();
  }

  /**
   * A spike of crashes on established versions halts nothing — no test is under way — but is an SRE
   * alert: FLEET_FAILURE_SPIKE fires once and resolves once a whole window has been quiet. A few
   * crashes, as the fleet's history has them, are no spike.
   */
  @Test
  void shouldRaiseAFailureSpikeOnEstablishedVersionsNotAHalt() {
    switchDevices(0, 96, "r40", "r41", T0 + HOUR);
    tick(T0 + 3 * HOUR);
    assertThat(stats.versions.get("r41").established).isTrue();
    for (int i = 0; i < rules.minDevices() - 1; i++) {
      crash(i, "r41", T0 + 4 * HOUR + i * 1_000L);
    }
    assertThat(decisions.alerts).as("fewer than min-devices").isEmpty();

    long spikeAt = T0 + 5 * HOUR;
    for (int i = 10; i < 40; i++) {
      crash(i, "r41", spikeAt + i);
    }
    tick(spikeAt + FleetStatistics.spikeWindow(rules) - 1_000);
    assertThat(decisions.alerts).extracting(a -> a.getKind() + " " + a.getStatus())
        .containsExactly("FLEET_FAILURE_SPIKE FIRING");
    tick(spikeAt + 2 * FleetStatistics.spikeWindow(rules) + 1_000);

    assertThat(decisions.alerts).extracting(a -> a.getAlertId() + " " + a.getStatus())
        .containsExactly("failure-spike/airline-ops/channel-291 FIRING", "failure-spike/airline-ops/channel-291 RESOLVED");
    assertThat(decisions.verdicts).isEmpty();
  }

  @Test
  void shouldKeepTestingARolloutThatNeverCompletes() {
    switchDevices(0, 50, "r40", "r41", T0 + HOUR);
    tick(T0 + 48 * HOUR);

    assertThat(stats.versions.get("r41").test).isNotNull();
    assertThat(stats.versions.get("r41").established).isFalse();
  }

  @Test
  void shouldEndATestWhenALaterVersionIsAnnouncedButNotOnARollback() {
    switchDevices(0, 10, "r40", "r41", T0 + HOUR);

    stats.announce("r40", T0 + 2 * HOUR, "r41", rules, decisions); // back to what r41 replaced
    assertThat(stats.versions.get("r41").test).as("a rollback ends nothing").isNotNull();

    stats.announce("r42", T0 + 3 * HOUR, "r41", rules, decisions);
    assertThat(stats.versions.get("r41").test).isNull();
    assertThat(stats.versions.get("r41").established).isTrue();
    assertThat(stats.versions.get("r42").test).isNotNull();
  }

  @Test
  void shouldNeverEstablishAHaltedVersionNorRestartItsTestWithoutAResume() {
    switchDevices(0, 10, "r40", "r41", T0 + HOUR);
    for (int i = 0; i < 10; i++) {
      crash(i, "r41", T0 + HOUR + 60_000 + i);
    }
    assertThat(decisions.verdicts).hasSize(1);
    switchDevices(10, 100, "r40", "r41", T0 + 2 * HOUR);
    stats.announce("r42", T0 + 3 * HOUR, "r41", rules, decisions);
    tick(T0 + 10 * HOUR);

    assertThat(stats.versions.get("r41").established).isFalse();
    assertThat(stats.versions.get("r41").test.tripped).isTrue();
  }

  /** A RESUME lifts a halt; of a version whose test never tripped, it would only silence the test. */
  @Test
  void shouldIgnoreAResumeOfAVersionWhoseTestDidNotTrip() {
    switchDevices(0, 10, "r40", "r41", T0 + HOUR);
    crash(0, "r41", T0 + HOUR + 60_000);
    RolloutTest before = stats.versions.get("r41").test;

    stats.resume("r41", rules, decisions);

    assertThat(stats.versions.get("r41").test).isSameAs(before);
    assertThat(before.failedDevices).isEqualTo(1);
  }

  /** A push no fleet can judge raised INSUFFICIENT_EVIDENCE: when its test ends, that is over. */
  @Test
  void shouldSayWhenAVersionThatCouldNotBeJudgedIsEstablished() {
    switchDevices(0, 100, "r40", "r41", T0); // no history: nothing to compare with
    for (int i = 0; i < 10; i++) {
      crash(i, "r41", T0 + 120_000 + i);
    }
    assertThat(decisions.cannotJudge).extracting(c -> c.over()).containsExactly(false);

    tick(T0 + 3 * HOUR);

    assertThat(decisions.cannotJudge).extracting(c -> c.over()).containsExactly(false, true);
  }

  /** A device forgotten after device-ttl leaves the version's count; asleep, it leaves its arm too, with no evidence. */
  @Test
  void shouldTakeADeviceThatLeftOutOfItsVersionAndItsArm() {
    switchDevices(0, 10, "r40", "r41", T0 + HOUR);
    RolloutTest test = stats.versions.get("r41").test;

    stats.apply(DeviceChange.left(FLEET, COMPONENT, "r41", "d0", false, List.of(), T0 + 2 * HOUR), rules, decisions);
    stats.apply(DeviceChange.left(FLEET, COMPONENT, "r40", "d50", false, List.of(), T0 + 2 * HOUR), rules, decisions);

    assertThat(stats.versions.get("r41").exposed).isEqualTo(9);
    assertThat(stats.versions.get("r40").exposed).isEqualTo(89);
    assertThat(test.candidateTotal()).isEqualTo(9);
    assertThat(test.controlTotal()).isEqualTo(89);
    assertThat(test.failedDevices).isZero();
  }

  private void switchDevices(int from, int to, String previous, String version, long at) {
    for (int i = from; i < to; i++) {
      stats.apply(DeviceChange.applied(FLEET, COMPONENT, version, previous, false, "d" + i, List.of(), at), rules,
          decisions);
    }
  }

  private void crash(int device, String version, long at) {
    stats.apply(DeviceChange.failed(FLEET, COMPONENT, version, version, "d" + device, Failure.CRASH, true, null,
        List.of(), at, true), rules, decisions);
  }

  /** Time passes: any change moves the fleet's clock; a device coming back changes nothing else. */
  private void tick(long at) {
    stats.apply(DeviceChange.cameBack(FLEET, COMPONENT, "r40", "d99", at), rules, decisions);
  }
}
