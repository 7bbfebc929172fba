package io.crashwatch.detector.topology;

import static io.crashwatch.detector.topology.DetectorDriver.device;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.detector.TestKeys;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.FleetEvent;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.killswitch.RejectedRecord;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.Comparison;
import io.crashwatch.schemas.CrashRate;
import io.crashwatch.schemas.FleetProtection;
import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.Scope;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One test per detection rule of shared/DESIGN.md, on the whole topology. */
class DetectionTopologyTest {
  private static final String R41 = "airline-ops/channel-291/r41";
  private static final Duration INTERVAL = Duration.ofSeconds(60);

  private DetectorDriver d = new DetectorDriver();

  @AfterEach
  void close() {
    d.close();
  }

  /** 200 devices on r40; every 20th (10 devices) takes r41: a 5% canary with a 95% control. */
  /** Two fleets, forged-1 and forged-2, each with a canary whose five first devices crash: both trip. */
  private void twoFleetsTrip() {
    canary("forged-1", 0);
    canary("forged-2", 1000);
    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
      d.crash(device(1000 + canaryDevice(k)));
    }
  }

  private void canary(String fleet, int from) {
    d.fleet(fleet, from, 200);
    for (int i = from; i < from + 200; i += 20) {
      d.update(device(i), "channel-291", "r41");
    }
  }

  private static int canaryDevice(int k) {
    return k * 20;
  }

  @Test
  void shouldHaltASpikeOfCrashesOnTheNewVersionWithItsEvidence() {
    canary("airline-ops", 0);

    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
    }

    List<KillSwitchCommand> commands = d.commands();
    assertThat(commands).singleElement().satisfies(c -> {
      assertThat(c.getAction()).isEqualTo(KillSwitchAction.HALT);
      assertThat(c.getScope()).isEqualTo(Scope.FLEET);
      assertThat(c.getFleetId()).isEqualTo("airline-ops");
      assertThat(c.getComponent()).isEqualTo("channel-291");
      assertThat(c.getVersion()).isEqualTo("r41");
      assertThat(c.getReason()).isEqualTo(HaltReason.CRASH_SPIKE);
      assertThat(c.getShadow()).isFalse();
      assertThat(c.getEvidence().getFailedDevices()).isEqualTo(5);
      assertThat(c.getEvidence().getCrashedDevices()).isEqualTo(5);
      assertThat(c.getEvidence().getDevicesOnVersion()).isEqualTo(10);
      assertThat(c.getEvidence().getComparison()).isEqualTo(Comparison.CONTROL);
      assertThat(c.getEvidence().getControlDevices()).isEqualTo(190);
      assertThat(c.getEvidence().getTestStatistic()).isGreaterThanOrEqualTo(c.getEvidence().getThreshold());
      assertThat(c.getEvidence().getTopSignature()).isEqualTo("0x50/csagent.sys");
      assertThat(c.getEvidence().getSettings()).containsEntry("min-devices", "5");
    });
    assertThat(d.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getKind()).isEqualTo(AlertKind.ROLLOUT_HALTED);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
      assertThat(a.getSummary()).contains(R41, "5 of 10 devices failed", "0x50/csagent.sys", "control");
    });
    assertThat(d.meters.get("crashwatch.halts").tag("scope", "FLEET").tag("reason", "CRASH_SPIKE").counter().count())
        .isEqualTo(1);
    assertThat(d.meters.get("crashwatch.decision.latency").timer().count()).isEqualTo(1);
  }

  /** A rollout service verifies what the detector wrote, byte for byte, with the detector's public key. */
  @Test
  void shouldSignEveryKillSwitchRecordAsWritten() throws Exception {
    canary("airline-ops", 0);
    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
    }
    d.operator(OperatorAction.RESUME, R41);

    KillSwitchVerifier verifier = new KillSwitchVerifier(List.of(d.settings.killSwitchSigner().publicKey()));
    List<TestRecord<String, byte[]>> records = d.signedCommands();
    assertThat(records).hasSize(2);
    long first = verifier.verify(d.topics.killSwitch.name(), R41, records.get(0).value(), records.get(0).headers());
    long second = verifier.verify(d.topics.killSwitch.name(), R41, records.get(1).value(), records.get(1).headers());
    assertThat(second).as("the RESUME comes after the HALT").isGreaterThan(first);
    KillSwitchVerifier other = new KillSwitchVerifier(List.of(Ed25519Keys.generate().getPublic()));
    assertThatThrownBy(() -> other.verify(d.topics.killSwitch.name(), R41, records.get(0).value(), records.get(0).headers()))
        .isInstanceOf(RejectedRecord.class);
  }

  @Test
  void shouldNotHaltBelowMinDevices() {
    canary("airline-ops", 0);

    for (int k = 0; k < 4; k++) {
      d.crash(device(canaryDevice(k)));
    }

    assertThat(d.commands()).isEmpty();
  }

  @Test
  void shouldNotHaltWhenTheSameFailuresAreSpreadOverControlAndCandidate() {
    canary("airline-ops", 0);

    // 5 canary devices fail, and control devices fail at the same rate: 95 of 190.
    for (int i = 0; i < 200; i += 2) {
      d.crash(device(i));
    }

    assertThat(d.commands()).isEmpty();
  }

  @Test
  void shouldCountADeviceCrashLoopingFiftyTimesOnce() {
    canary("airline-ops", 0);

    for (int n = 0; n < 50; n++) {
      d.crash(device(canaryDevice(0)));
    }
    assertThat(d.commands()).isEmpty();
    for (int k = 1; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
    }

    assertThat(d.commands()).singleElement()
        .satisfies(c -> assertThat(c.getEvidence().getFailedDevices()).isEqualTo(5));
  }

  @Test
  void shouldCountADuplicateReportIdOnce() {
    canary("airline-ops", 0);

    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)), "report-" + k, d.now());
      d.crash(device(canaryDevice(k)), "report-" + k, d.now());
    }

    assertThat(d.commands()).singleElement().satisfies(c -> {
      assertThat(c.getEvidence().getFailedDevices()).isEqualTo(5);
      assertThat(c.getEvidence().getCrashedDevices()).isEqualTo(5);
    });
  }

  @Test
  void shouldNotBlameALateReportOfACrashBeforeTheUpgradeOnTheNewVersion() {
    d.fleet("airline-ops", 0, 200);
    var beforeUpgrade = d.now();
    d.advance(Duration.ofMinutes(1));
    for (int i = 0; i < 200; i += 20) {
      d.update(device(i), "channel-291", "r41");
    }

    // Uploaded after the reboot, the reports of crashes on r40 arrive while r41 is installed.
    for (int k = 0; k < 10; k++) {
      d.crash(device(canaryDevice(k)), "late-" + k, beforeUpgrade);
    }

    assertThat(d.commands()).isEmpty();
  }

  @Test
  void shouldTrustTheVersionsACrashReportNames() {
    canary("airline-ops", 0);

    // The agents say they still ran r40 when they crashed: r41 is not to blame.
    for (int k = 0; k < 10; k++) {
      d.crash(device(canaryDevice(k)), "named-" + k, d.now(), Map.of("channel-291", "r40"));
    }

    assertThat(d.commands()).isEmpty();
  }

  /**
   * Exposure first: reports naming r41 from control devices never seen on r41 (a broken agent, or
   * a forger who knows device ids) are no evidence against it — one UNTRUSTED_EVIDENCE alert says so.
   */
  @Test
  void shouldNotHaltOnReportsNamingAVersionTheirDevicesWereNeverSeenOn() {
    canary("airline-ops", 0);

    for (int k = 0; k < 20; k++) {
      d.crash(device(canaryDevice(k % 10) + 1 + k / 10), "forged-" + k, d.now(), Map.of("channel-291", "r41"));
    }
    d.advance(Duration.ofSeconds(1));
    for (int k = 0; k < 20; k++) {
      d.heartbeat(device(canaryDevice(k % 10) + 1 + k / 10)); // sent after the crashes, still on r40
    }
    d.advance(Duration.ofSeconds(1));

    assertThat(d.commands()).isEmpty();
    assertThat(d.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getKind()).isEqualTo(AlertKind.UNTRUSTED_EVIDENCE);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
    });
  }

  @Test
  void shouldHaltOnUncleanRebootsWithoutAnyReport() {
    canary("airline-ops", 0);

    for (int k = 0; k < 5; k++) {
      d.uncleanReboot(device(canaryDevice(k)));
    }

    assertThat(d.commands()).singleElement().satisfies(c -> {
      assertThat(c.getReason()).isEqualTo(HaltReason.CRASH_SPIKE);
      assertThat(c.getEvidence().getUncleanReboots()).isEqualTo(5);
      assertThat(c.getEvidence().getCrashedDevices()).isZero();
    });
  }

  @Test
  void shouldHaltABootLoopWithoutReportsThroughDarkDetection() {
    canary("airline-ops", 0);
    // The canary devices boot-loop: they never send another heartbeat. The rest stay alive. Dark after
    // 3 minutes, it enters the test two heartbeat intervals later.
    for (int minute = 1; minute <= 6; minute++) {
      d.advance(INTERVAL);
      for (int i = 0; i < 200; i++) {
        if (i % 20 != 0) {
          d.heartbeat(device(i));
        }
      }
    }
    d.advance(Duration.ofSeconds(1));

    assertThat(d.commands()).singleElement().satisfies(c -> {
      assertThat(c.getReason()).isEqualTo(HaltReason.DEVICES_DARK);
      assertThat(c.getEvidence().getDarkDevices()).isGreaterThanOrEqualTo(5);
    });
    assertThat(d.meters.get("crashwatch.dark.devices").counter().count()).isEqualTo(10);
  }

  /**
   * A finished whole-fleet push leaves no control. An outage half an hour later darkens 30 % of the
   * fleet: devices heard from long after they switched, whose silence could be anything — no
   * evidence against the version on the baseline path.
   */
  @Test
  void shouldNotHaltAFinishedPushOnSilenceLongAfterIt() {
    d.fleet("airline-ops", 0, 200);
    minutes(60, i -> true); // an hour of history
    for (int i = 0; i < 200; i++) {
      d.update(device(i), "channel-291", "r41");
    }
    minutes(15, i -> true); // longer than dark-window after the push

    minutes(10, i -> i >= 60); // 60 devices go silent

    assertThat(d.meters.get("crashwatch.dark.devices").counter().count()).isEqualTo(60);
    assertThat(d.commands()).isEmpty();
  }

  /** The same push, but the devices fall silent right after applying it: a boot loop, the version's own failure. */
  @Test
  void shouldHaltABootLoopRightAfterAWholeFleetPushWithoutControl() {
    d.fleet("airline-ops", 0, 200);
    minutes(60, i -> true);
    for (int i = 0; i < 200; i++) {
      d.update(device(i), "channel-291", "r41");
    }

    minutes(10, i -> i >= 60);

    assertThat(d.commands()).singleElement().satisfies(c -> {
      assertThat(c.getReason()).isEqualTo(HaltReason.DEVICES_DARK);
      assertThat(c.getEvidence().getComparison()).isEqualTo(Comparison.BASELINE);
    });
  }

  /** {@code count} minutes go by; the devices {@code alive} says send their heartbeat each minute. */
  private void minutes(int count, java.util.function.IntPredicate alive) {
    for (int minute = 0; minute < count; minute++) {
      d.advance(INTERVAL);
      for (int i = 0; i < 200; i++) {
        if (alive.test(i)) {
          d.heartbeat(device(i));
        }
      }
    }
  }

  /** The canary's devices go silent while the consumer's fetches show the detector behind: nobody is dark. */
  @Test
  void shouldDeclareNobodyDarkWhileLagging() {
    canary("airline-ops", 0);
    d.behind(true);

    minutes(10, i -> i % 20 != 0);

    assertThat(d.commands()).isEmpty();
  }

  /**
   * Device clocks never decide whether the detector is caught up: with every clock ten minutes slow,
   * the canary's devices going silent on a partition read to its end are a boot loop. Blind before:
   * one slow clock made a whole partition look behind.
   */
  @Test
  void shouldDeclareDarkOnAPartitionReadToItsEndWhateverTheDevicesClocksSay() {
    canary("airline-ops", 0);

    for (int minute = 1; minute <= 10; minute++) {
      d.advance(INTERVAL);
      for (int i = 0; i < 200; i++) {
        if (i % 20 != 0) {
          d.heartbeatSentAt(device(i), HeartbeatReason.PERIODIC, false, d.now().minus(Duration.ofMinutes(10)));
        }
      }
    }

    assertThat(d.commands()).singleElement()
        .satisfies(c -> assertThat(c.getReason()).isEqualTo(HaltReason.DEVICES_DARK));
  }

  @Test
  void shouldAlertOnAnInputOutageAndHaltNothing() {
    canary("airline-ops", 0);

    for (int minute = 1; minute <= 10; minute++) {
      d.advance(INTERVAL);
    }
    List<SreAlert> firing = d.alerts();
    for (int i = 0; i < 200; i++) {
      d.heartbeat(device(i));
    }
    d.advance(Duration.ofSeconds(1));

    assertThat(d.commands()).isEmpty();
    assertThat(firing).singleElement().satisfies(a -> {
      assertThat(a.getKind()).isEqualTo(AlertKind.TELEMETRY_OUTAGE);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
    });
    assertThat(d.alerts()).singleElement().satisfies(a -> {
      assertThat(a.getKind()).isEqualTo(AlertKind.TELEMETRY_OUTAGE);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED);
    });
  }

  @Test
  void shouldHaltNothingWhenAFleetWideIncidentDarkensTheControlToo() {
    canary("airline-ops", 0);

    // A third of all devices, on either version, goes silent.
    for (int minute = 1; minute <= 4; minute++) {
      d.advance(INTERVAL);
      for (int i = 0; i < 200; i++) {
        if (i % 3 != 0) {
          d.heartbeat(device(i));
        }
      }
    }
    d.advance(Duration.ofSeconds(1));

    assertThat(d.commands()).isEmpty();
  }

  @Test
  void shouldEscalateToOneGlobalHaltThatAFleetResumeDoesNotLift() {
    canary("airline-ops", 0);
    canary("retail", 1000);

    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
      d.crash(device(1000 + canaryDevice(k)));
    }
    List<KillSwitchCommand> halts = d.commands();
    d.operator(OperatorAction.RESUME, R41);

    assertThat(halts).extracting(KillSwitchCommand::getScope, KillSwitchCommand::getReason).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(Scope.FLEET, HaltReason.CRASH_SPIKE),
        org.assertj.core.groups.Tuple.tuple(Scope.FLEET, HaltReason.CRASH_SPIKE),
        org.assertj.core.groups.Tuple.tuple(Scope.GLOBAL, HaltReason.ESCALATION));
    Map<String, KillSwitchCommand> latest = d.latestCommands();
    assertThat(latest.get(R41).getAction()).isEqualTo(KillSwitchAction.RESUME);
    assertThat(latest).doesNotContainKey("*/channel-291/r41"); // no RESUME for the global target
    assertThat(d.alerts()).filteredOn(a -> a.getStatus() == AlertStatus.RESOLVED).singleElement()
        .satisfies(a -> assertThat(a.getSummary()).contains("still halted by the global target */channel-291/r41"));
  }

  /**
   * Two fleets invented a minute ago — heartbeats and crash reports anyone with telemetry access can
   * send — halt their own targets, but not every fleet's: with the production default of
   * min-fleet-age (a day), their trips do not count towards a GLOBAL halt; the same trips of fleets
   * seen for a day would ({@link #shouldEscalateToOneGlobalHaltThatAFleetResumeDoesNotLift}).
   */
  @Test
  void shouldNotHaltGloballyOnTheTripsOfFleetsFirstSeenJustNow() {
    d.close();
    d = new DetectorDriver(Map.of("min-fleet-age", "1d"));
    twoFleetsTrip();

    assertThat(d.commands()).extracting(KillSwitchCommand::getScope).containsExactly(Scope.FLEET, Scope.FLEET);
  }

  /**
   * Invented devices in a real fleet: a healthy canary is under way, then 20 devices never seen before
   * heartbeat on r40, switch to r41 and crash. Exposure first does not stop them (they were seen on
   * r41); being first seen after the rollout began does. No HALT, and UNTRUSTED_EVIDENCE says why.
   */
  @Test
  void shouldNotHaltOnDevicesFirstSeenAfterTheRolloutBegan() {
    canary("airline-ops", 0);
    d.advance(Duration.ofMinutes(1));

    d.fleet("airline-ops", 5000, 20);
    for (int i = 5000; i < 5020; i++) {
      d.update(device(i), "channel-291", "r41");
      d.crash(device(i));
    }

    assertThat(d.commands()).as("no HALT on invented devices").isEmpty();
    assertThat(d.alerts()).filteredOn(a -> a.getKind() == AlertKind.UNTRUSTED_EVIDENCE).singleElement()
        .satisfies(a -> assertThat(a.getSummary()).startsWith("20 devices never seen before appeared in fleet airline-ops"));
    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k))); // the fleet's own canary devices still trip it
    }
    assertThat(d.commands()).singleElement().satisfies(c -> assertThat(c.getAction()).isEqualTo(KillSwitchAction.HALT));
  }

  /**
   * The fleet allowlist can live on a compacted topic as well as in the settings, so fleets are listed
   * without a restart: once any fleet is listed there, only listed fleets' trips count towards a global
   * halt. Two fleets, the same trips: listed, they escalate; with only another fleet listed, they halt
   * themselves and nothing more.
   */
  @Test
  void shouldCountOnlyTheTripsOfFleetsListedOnTheFleetsTopicTowardsAGlobalHalt() {
    d.listFleet("forged-1");
    d.listFleet("forged-2");
    twoFleetsTrip();
    assertThat(d.commands()).extracting(KillSwitchCommand::getScope).contains(Scope.GLOBAL);

    d.close();
    d = new DetectorDriver(Map.of());
    d.listFleet("airline-ops");
    twoFleetsTrip();
    assertThat(d.commands()).extracting(KillSwitchCommand::getScope).containsExactly(Scope.FLEET, Scope.FLEET);
  }

  /**
   * Shadow switches a fleet's protection off, so writing the fleets topic is not enough: an unsigned mark, or one
   * signed by a key the detector does not trust, lists the fleet and leaves it enforced; only an operator's signed
   * mark makes its HALT a shadow one, and FLEET_SHADOW says so.
   */
  @Test
  void shouldMakeAFleetShadowOnlyByAnOperatorsSignedMark() {
    KillSwitchSigner stranger = new KillSwitchSigner(Ed25519Keys.generate().getPrivate());
    KillSwitchSigner operator = TestKeys.operator();
    for (KillSwitchSigner signer : java.util.Arrays.asList(null, stranger, operator)) {
      d.close();
      d = new DetectorDriver(Map.of());
      d.markFleet("airline-ops", FleetProtection.SHADOW, d.now(), d.now().plus(Duration.ofDays(14)), signer);
      canary("airline-ops", 0);
      for (int k = 0; k < 5; k++) {
        d.crash(device(canaryDevice(k)));
      }
      boolean trusted = signer == operator;
      assertThat(d.commands()).as(signer == null ? "unsigned" : trusted ? "the operator's" : "a stranger's")
          .singleElement().satisfies(c -> assertThat(c.getShadow()).isEqualTo(trusted));
      d.advance(Duration.ofMinutes(1));
      assertThat(d.alerts()).filteredOn(a -> a.getKind() == AlertKind.FLEET_SHADOW).hasSize(trusted ? 1 : 0)
          .allSatisfy(a -> assertThat(a.getSummary()).startsWith("Fleet airline-ops is in shadow (marked by sre (key "));
    }
    d.close();
    d = new DetectorDriver(Map.of());
    d.markFleet("airline-ops", FleetProtection.SHADOW, d.now(), d.now().plus(Duration.ofDays(14)), stranger);
    assertThat(d.meters.get("crashwatch.fleet.marks.refused").tag("reason", "fleet-mark-unknown-key").counter().count())
        .isEqualTo(1);
  }

  /**
   * Every change of a fleet's shadow is an alert, and a mark ends: at its validUntil, or by an ENFORCE mark, which
   * an older SHADOW mark written again (a replay) does not undo.
   */
  @Test
  void shouldAlertOnEveryChangeOfAFleetsShadowAndEndItByExpiryOrEnforce() {
    d.markFleet("airline-ops", FleetProtection.SHADOW, d.now(), d.now().plus(Duration.ofMinutes(10)), TestKeys.operator());
    d.advance(Duration.ofMinutes(1));
    assertThat(shadowAlerts()).containsExactly(AlertStatus.FIRING);
    d.advance(Duration.ofMinutes(10));
    assertThat(shadowAlerts()).as("the mark expired").containsExactly(AlertStatus.RESOLVED);

    java.time.Instant issued = d.now();
    d.markFleet("airline-ops", FleetProtection.SHADOW, issued, issued.plus(Duration.ofHours(1)), TestKeys.operator());
    d.advance(Duration.ofMinutes(1));
    assertThat(shadowAlerts()).containsExactly(AlertStatus.FIRING);
    d.markFleet("airline-ops", FleetProtection.ENFORCE, d.now(), null, TestKeys.operator());
    d.advance(Duration.ofMinutes(1));
    assertThat(shadowAlerts()).as("enforced again").containsExactly(AlertStatus.RESOLVED);

    d.markFleet("airline-ops", FleetProtection.SHADOW, issued, issued.plus(Duration.ofHours(1)), TestKeys.operator());
    d.advance(Duration.ofMinutes(1));
    assertThat(shadowAlerts()).as("a replayed older mark").isEmpty();
    d.markFleet("airline-ops", FleetProtection.SHADOW, d.now(), d.now().plus(Duration.ofHours(1)), null);
    d.markFleet("airline-ops", FleetProtection.SHADOW, issued, issued.plus(Duration.ofHours(1)), TestKeys.operator());
    d.advance(Duration.ofMinutes(1));
    assertThat(shadowAlerts()).as("an unsigned write, then the replay again: still enforced").isEmpty();
    assertThat(d.meters.get("crashwatch.fleet.marks.refused").tag("reason", "fleet-mark-replayed").counter().count())
        .isEqualTo(2);
    canary("airline-ops", 0);
    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
    }
    assertThat(d.commands()).singleElement().satisfies(c -> assertThat(c.getShadow()).isFalse());
  }

  /**
   * Each fleet's false-halt account on /metrics: tests run (here the rollout of r41, then its restart by the
   * RESUME), tests tripped, the alpha they spent, and HALTs lifted as false. Fleet ids come from telemetry, so
   * a fleet nobody listed is summed under "_other"; once listed on the fleets topic it has its own label.
   */
  @Test
  void shouldKeepEachFleetsFalseHaltAccountUnderBoundedLabels() {
    canary("airline-ops", 0);
    canary("invented-1", 1000);
    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
    }
    d.operator(OperatorAction.RESUME, R41, true);
    d.advance(Duration.ofMinutes(1));
    assertThat(fleetFigures("_other")).containsExactly(3.0, 1.0, 0.003, 1.0);
    assertThat(d.meters.find("crashwatch.fleet.tests").tag("fleet", "airline-ops").gauge()).isNull();

    d.listFleet("airline-ops");
    d.advance(Duration.ofMinutes(1));
    assertThat(fleetFigures("airline-ops")).containsExactly(2.0, 1.0, 0.002, 1.0);
    assertThat(fleetFigures("_other")).as("invented-1 alone").containsExactly(1.0, 0.0, 0.001, 0.0);
  }

  /** tests, tripped, alpha spent, false halts under the label. */
  private List<Double> fleetFigures(String fleet) {
    return java.util.stream.Stream.of("crashwatch.fleet.tests", "crashwatch.fleet.tests.tripped", "crashwatch.fleet.alpha.spent",
        "crashwatch.fleet.false.halts").map(name -> Math.round(d.meters.get(name).tag("fleet", fleet).gauge().value() * 1e6) / 1e6).toList();
  }

  /** A mark has a key of its own: marking one fleet lists nothing, so the other fleets' trips still escalate. */
  @Test
  void shouldLeaveTheAllowlistAloneWhenAFleetIsMarked() {
    d.markFleet("lab", FleetProtection.SHADOW, d.now(), d.now().plus(Duration.ofDays(1)), TestKeys.operator());
    twoFleetsTrip();
    assertThat(d.commands()).extracting(KillSwitchCommand::getScope).contains(Scope.GLOBAL);
  }

  private List<AlertStatus> shadowAlerts() {
    return d.alerts().stream().filter(a -> a.getKind() == AlertKind.FLEET_SHADOW).map(SreAlert::getStatus).toList();
  }

  @Test
  void shouldRestartTheTestOnResumeAndTripAgainOnlyOnNewFailures() {
    canary("airline-ops", 0);
    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
    }
    KillSwitchCommand first = d.commands().get(0);

    d.operator(OperatorAction.RESUME, R41);
    assertThat(d.commands()).singleElement().satisfies(c -> assertThat(c.getAction()).isEqualTo(KillSwitchAction.RESUME));
    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k))); // failed before the RESUME: not new failures
    }
    for (int k = 5; k < 9; k++) {
      d.crash(device(canaryDevice(k)));
    }
    assertThat(d.commands()).isEmpty();
    d.uncleanReboot(device(canaryDevice(9)));

    assertThat(d.commands()).singleElement().satisfies(c -> {
      assertThat(c.getAction()).isEqualTo(KillSwitchAction.HALT);
      assertThat(c.getEvidence().getFailedDevices()).isEqualTo(5);
      assertThat(c.getCommandId()).isNotEqualTo(first.getCommandId());
    });
  }

  @Test
  void shouldForceHaltOnAnOperatorsCommand() {
    canary("airline-ops", 0);

    d.operator(OperatorAction.FORCE_HALT, "*/channel-291/r41");

    assertThat(d.commands()).singleElement().satisfies(c -> {
      assertThat(c.getAction()).isEqualTo(KillSwitchAction.HALT);
      assertThat(c.getScope()).isEqualTo(Scope.GLOBAL);
      assertThat(c.getFleetId()).isNull();
      assertThat(c.getReason()).isEqualTo(HaltReason.OPERATOR);
      assertThat(c.getActor()).as("who signed it, not who it claims to be").startsWith("sre (key ");
    });
  }

  @Test
  void shouldMarkEveryCommandShadowInShadowModeAndStillAlert() {
    d.close();
    d = new DetectorDriver(Map.of("mode", "SHADOW"));
    canary("airline-ops", 0);

    for (int k = 0; k < 5; k++) {
      d.crash(device(canaryDevice(k)));
    }

    assertThat(d.commands()).singleElement().satisfies(c -> assertThat(c.getShadow()).isTrue());
    assertThat(d.alerts()).singleElement().satisfies(a -> assertThat(a.getSummary()).startsWith("[SHADOW] would halt " + R41));
  }

  @Test
  void shouldJudgeAnAnnouncedVersionEvenWhenItsDevicesAreFirstSeenOnIt() {
    // A detector started mid-rollout: the canary devices are first seen already on r41.
    d.fleetOn("airline-ops", 0, 190, "r40");
    d.deployment("airline-ops", "channel-291", "r41");
    d.fleetOn("airline-ops", 1000, 10, "r41");

    for (int k = 0; k < 5; k++) {
      d.crash(device(1000 + k));
    }

    assertThat(d.commands()).singleElement().satisfies(c -> assertThat(c.getVersion()).isEqualTo("r41"));
  }

  @Test
  void shouldTreatVersionsFoundInstalledAsInventoryNotARollout() {
    d.fleetOn("airline-ops", 0, 190, "r40");
    d.fleetOn("airline-ops", 1000, 10, "r41");

    for (int k = 0; k < 10; k++) {
      d.crash(device(1000 + k));
    }

    assertThat(d.commands()).isEmpty();
  }

  @Test
  void shouldPublishFinalCrashRatesPerVersionAndMinute() {
    canary("airline-ops", 0);
    for (int k = 0; k < 3; k++) {
      d.crash(device(canaryDevice(k)));
    }
    d.uncleanReboot(device(canaryDevice(3)));
    // Event time moves on past the window and its grace: the window closes.
    d.advance(Duration.ofMinutes(5));
    d.update(device(1), "channel-291", "r41");

    var records = d.crashRateRecords();
    String key = R41 + "@" + DetectorDriver.START;
    assertThat(records).filteredOn(r -> r.key.equals(key)).as("one final record per window, none before").hasSize(1);
    Map<String, CrashRate> rates = new java.util.HashMap<>();
    records.forEach(r -> rates.put(r.key, r.value));
    assertThat(rates.get(key)).satisfies(r -> {
      assertThat(r.getDevices()).isEqualTo(10);
      assertThat(r.getFailedDevices()).isEqualTo(4);
      assertThat(r.getCrashReports()).isEqualTo(3);
      assertThat(r.getUncleanReboots()).isEqualTo(1);
      assertThat(r.getFailuresPerDeviceHour()).isEqualTo(4 / (10 / 60.0));
    });
  }

  @Test
  void shouldSendOnlyChangesToTheFleetLevelNeverOneRecordPerHeartbeat() {
    d.fleet("airline-ops", 0, 10);
    d.advance(Duration.ofSeconds(1)); // the device scan sends the first sightings
    var fleetEvents = d.internal(DetectorTopology.FLEET_EVENTS);
    fleetEvents.readRecordsToList();
    var deviceChangelog = d.changelog("device-state");
    deviceChangelog.readRecordsToList();

    for (int round = 0; round < 20; round++) {
      d.advance(Duration.ofSeconds(30));
      for (int i = 0; i < 10; i++) {
        d.heartbeat(device(i));
      }
    }
    d.update(device(3), "channel-291", "r41");

    assertThat(fleetEvents.readRecordsToList()).singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo("airline-ops/channel-291"));
    // Nor is device state rewritten for a heartbeat that changes nothing.
    assertThat(deviceChangelog.readRecordsToList()).singleElement()
        .satisfies(r -> assertThat(r.key()).isEqualTo(device(3)));
  }

  @Test
  void shouldCountFirstSightingsPerFleetAndVersionsInstalledNotSendOneRecordPerDevice() {
    d.fleet("airline-ops", 0, 10);
    d.fleetOn("airline-ops", 10, 5, "r41");
    var fleetEvents = d.internal(DetectorTopology.FLEET_EVENTS);
    assertThat(fleetEvents.readRecordsToList()).isEmpty();

    d.advance(Duration.ofSeconds(1));

    var events = new JsonSerde<>(FleetEvent.class).deserializer();
    assertThat(fleetEvents.readValuesToList()).map(bytes -> events.deserialize("fleet-events", bytes).change())
        .map(c -> c.key() + " " + c.version() + " x" + c.devices())
        .containsExactlyInAnyOrder("airline-ops/sensor 7.11.18110 x10", "airline-ops/channel-291 r40 x10",
            "airline-ops/sensor 7.11.18110 x5", "airline-ops/channel-291 r41 x5");
  }

  @Test
  void shouldSeeADarkDeviceComeBackThoughItsHeartbeatSaysWhatItSaidBefore() {
    d.fleet("airline-ops", 0, 10);
    var fleetEvents = d.internal(DetectorTopology.FLEET_EVENTS);
    var events = new JsonSerde<>(FleetEvent.class).deserializer();
    for (int round = 0; round < 5; round++) { // device 0 falls silent for longer than dark-after
      d.advance(INTERVAL);
      for (int i = 1; i < 10; i++) {
        d.heartbeat(device(i));
      }
    }
    assertThat(fleetEvents.readValuesToList()).map(bytes -> events.deserialize("fleet-events", bytes).change())
        .filteredOn(c -> device(0).equals(c.deviceId())).map(DeviceChange::kind)
        .containsExactly(DeviceChange.Kind.WENT_DARK, DeviceChange.Kind.WENT_DARK);

    d.heartbeat(device(0)); // the same boot and versions as its last heartbeat before it went dark

    assertThat(fleetEvents.readValuesToList()).map(bytes -> events.deserialize("fleet-events", bytes).change())
        .map(c -> c.deviceId() + " " + c.kind())
        .containsExactly(device(0) + " CAME_BACK", device(0) + " CAME_BACK");
  }
}
