package io.crashwatch.detector.topology.output;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static io.crashwatch.detector.topology.routing.ProcessorHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.OperatorTrust;
import io.crashwatch.detector.topology.decision.BaselineTest;
import io.crashwatch.detector.topology.decision.Grid;
import io.crashwatch.detector.topology.status.GatedFleet;
import io.crashwatch.detector.topology.status.KillSwitchStatus;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.CannotJudge;
import io.crashwatch.detector.topology.model.EvidenceData;
import io.crashwatch.detector.topology.model.KillSwitchInput;
import io.crashwatch.detector.topology.model.OperatorRequest;
import io.crashwatch.detector.topology.model.PooledEvidence;
import io.crashwatch.detector.topology.model.ReadBack;
import io.crashwatch.detector.topology.model.Verdict;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.Scope;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The kill switch sends each command and each alert to its own child. */
class KillSwitchProcessorTest {
  private static final long T = 1_721_361_600_000L;
  private static final String TARGET = "airline-ops/channel-291/r41";
  /** When the fleets of most tests were first seen: long before min-fleet-age. */
  private static final long ESTABLISHED = T - Duration.ofDays(30).toMillis();

  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  private static final String KEY_ID = "0123456789abcdef";
  private final KillSwitchProcessor processor = new KillSwitchProcessor(DetectionRules.defaults(), OperatorTrust.defaults(), DetectorMetrics.unserved(), KEY_ID);

  KillSwitchProcessorTest() {
    addStore(context, KillSwitchProcessor.STORE, Serdes.String(), new JsonSerde<>(KillSwitchState.class));
    context.setCurrentSystemTimeMs(T);
    processor.init(context);
  }

  @Test
  void shouldSendTheHaltToTheCommandsChildAndItsAlertToTheAlertsChild() {
    EvidenceData evidence = new EvidenceData(10, 5, 5, 0, 0, 0.5, "CONTROL", 980, 0.01, 50, 2e6, 1000, "0x50/csagent.sys", T);

    process(KillSwitchInput.of(new Verdict("airline-ops", "channel-291", "r41", "CRASH_SPIKE", 0, evidence, T, ESTABLISHED)));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(TARGET);
      assertThat(r.value().getAction()).isEqualTo(KillSwitchAction.HALT);
      assertThat(r.value().getScope()).isEqualTo(Scope.FLEET);
    });
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("rollout-halted/" + TARGET + "/0");
      assertThat(r.value().getKind()).isEqualTo(AlertKind.ROLLOUT_HALTED);
      assertThat(r.value().getStatus()).isEqualTo(AlertStatus.FIRING);
    });
  }

  @Test
  void shouldSendTheResumeToTheCommandsChildAndTheResolvedAlertToTheAlertsChild() {
    process(KillSwitchInput.of(operator("FORCE_HALT")));
    context.resetForwards();

    process(KillSwitchInput.of(operator("RESUME")));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement()
        .satisfies(r -> assertThat(r.value().getAction()).isEqualTo(KillSwitchAction.RESUME));
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).satisfiesExactly(
        halted -> {
          assertThat(halted.value().getKind()).isEqualTo(AlertKind.ROLLOUT_HALTED);
          assertThat(halted.value().getStatus()).isEqualTo(AlertStatus.RESOLVED);
        },
        resumed -> {
          assertThat(resumed.key()).isEqualTo("rollout-resumed/" + TARGET + "/0");
          assertThat(resumed.value().getKind()).isEqualTo(AlertKind.ROLLOUT_RESUMED);
          assertThat(resumed.value().getStatus()).isEqualTo(AlertStatus.FIRING);
          assertThat(resumed.value().getSummary()).contains(TARGET, "resumed");
          assertThat(resumed.value().getEndsAt()).as("a notice: it ends as it fires").isNotNull();
        });
  }

  /**
   * Each command of a target has a higher sequence number than the one before, which a rollout
   * service checks to refuse an old command written again; numbers never fall below the wall clock,
   * so they keep rising when an application reset wipes the state, or the clock steps back.
   */
  @Test
  void shouldNumberATargetsCommandsAboveTheLastOneAndTheWallClock() {
    process(KillSwitchInput.of(operator("FORCE_HALT")));
    long halt = SignatureHeaders.sequence(forwarded(context, KillSwitchProcessor.COMMANDS).get(0).headers());
    context.resetForwards();
    context.setCurrentSystemTimeMs(T - 60_000);

    process(KillSwitchInput.of(operator("RESUME")));

    long resume = SignatureHeaders.sequence(forwarded(context, KillSwitchProcessor.COMMANDS).get(0).headers());
    assertThat(halt).isGreaterThanOrEqualTo(T);
    assertThat(resume).isGreaterThan(halt);
  }

  /**
   * Two fleets tripping is not enough for a global HALT when a thousand fleets are tested: the pooled
   * test over all of them must reject too, here once the fleets' evidence adds up.
   */
  @Test
  void shouldEscalateOnlyWhenThePooledTestAcrossFleetsRejectsToo() {
    EvidenceData evidence = new EvidenceData(10, 5, 5, 0, 0, 0.5, "CONTROL", 980, 0.01, 50, 2e3, 2000, null, T);
    List<Double> weak = Collections.nCopies(Grid.SIZE, Math.log(1000)); // a likelihood ratio of 1,000 at every alternative
    List<Double> nothing = Collections.nCopies(Grid.SIZE, 0.0);
    List<Double> noBaseline = Collections.nCopies(BaselineTest.LOGS, 0.0);
    process(KillSwitchInput.of(new PooledEvidence("east", "channel-291", "r41", weak, noBaseline)));
    process(KillSwitchInput.of(new Verdict("east", "channel-291", "r41", "CRASH_SPIKE", 0, evidence, T, ESTABLISHED)));
    process(KillSwitchInput.of(new PooledEvidence("west", "channel-291", "r41", nothing, noBaseline)));
    process(KillSwitchInput.of(new Verdict("west", "channel-291", "r41", "CRASH_SPIKE", 0, evidence, T, ESTABLISHED)));
    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).extracting(r -> r.key())
        .as("two fleet halts, the pooled test at 1,000 of 2,000").containsExactly("east/channel-291/r41", "west/channel-291/r41");

    process(KillSwitchInput.of(new PooledEvidence("north", "channel-291", "r41", weak, noBaseline)));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).extracting(r -> r.key())
        .containsExactly("east/channel-291/r41", "west/channel-291/r41", "*/channel-291/r41");
  }

  /**
   * Fleets anyone can invent do not make a GLOBAL halt: only fleets of at least min-fleet-devices,
   * first seen at least min-fleet-age ago, and on the allowlist when there is one, count towards
   * escalate-fleets. Each still halts its own fleet target.
   */
  @Test
  void shouldEscalateOnlyOnTripsOfFleetsThatPassTheTrustGates() {
    KillSwitchProcessor gated = new KillSwitchProcessor(DetectionRules.from(Map.of("min-fleet-devices", "500",
        "min-fleet-age", "1d", "fleets", "east,west,north,young,small")), OperatorTrust.defaults(), DetectorMetrics.unserved(), KEY_ID);
    gated.init(context);
    List<Double> strong = Collections.nCopies(Grid.SIZE, Math.log(1e6));
    List<Double> noBaseline = Collections.nCopies(BaselineTest.LOGS, 0.0);
    EvidenceData big = new EvidenceData(100, 50, 50, 0, 0, 0.5, "CONTROL", 900, 0.01, 50, 2e6, 2000, null, T);
    EvidenceData small = new EvidenceData(10, 5, 5, 0, 0, 0.5, "CONTROL", 90, 0.01, 50, 2e6, 2000, null, T);
    for (String fleet : List.of("east", "young", "small", "invented")) {
      gated.process(new Record<>("channel-291/r41", KillSwitchInput.of(new PooledEvidence(fleet, "channel-291", "r41", strong, noBaseline)), T));
    }

    gated.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("east", "channel-291", "r41", "CRASH_SPIKE", 0, big, T, ESTABLISHED)), T));
    gated.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("young", "channel-291", "r41", "CRASH_SPIKE", 0, big, T, T - 60_000)), T));
    gated.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("small", "channel-291", "r41", "CRASH_SPIKE", 0, small, T, ESTABLISHED)), T));
    gated.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("invented", "channel-291", "r41", "CRASH_SPIKE", 0, big, T, ESTABLISHED)), T));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).extracting(r -> r.key()).as("each fleet halted, none globally")
        .containsExactly("east/channel-291/r41", "young/channel-291/r41", "small/channel-291/r41", "invented/channel-291/r41");
    KeyValueStore<String, KillSwitchState> store = context.getStateStore(KillSwitchProcessor.STORE);
    KillSwitchStatus status = KillSwitchReport.of(store.get("channel-291/r41"), "channel-291", "r41", DetectionRules.defaults(), 2);
    assertThat(status.globalTest().gatedFleets()).as("which gate kept each fleet out, for the status")
        .extracting(GatedFleet::fleet, GatedFleet::gate)
        .containsExactly(tuple("invented", "allowlist"), tuple("small", "size"), tuple("young", "age"));
    assertThat(status.globalTest().trippedFleets()).containsExactly("east");
    assertThat(status.fleets().get("young").halted()).isTrue();
    assertThat(status.global().halted()).isFalse();

    gated.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("west", "channel-291", "r41", "CRASH_SPIKE", 0, big, T, ESTABLISHED)), T));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).extracting(r -> r.key()).last().isEqualTo("*/channel-291/r41");
  }

  /**
   * A shadow fleet is observed, not protected: its HALT is a shadow one (rollout services ignore it) while
   * another fleet's is enforced; its trip and its evidence never count towards a GLOBAL halt, so two fleets
   * tripping, one of them in shadow, halt no rollout globally. A GLOBAL HALT made by enforced fleets is
   * enforced, the shadow fleet's rollouts included; an operator's FORCE_HALT there is meant, and enforced.
   */
  @Test
  void shouldShadowTheHaltsOfShadowFleetsOnlyAndNeverCountTheirTrips() {
    KillSwitchProcessor shadowing = new KillSwitchProcessor(DetectionRules.from(Map.of("shadow-fleets", "west", "min-fleet-age", "0s")),
        OperatorTrust.defaults(), DetectorMetrics.unserved(), KEY_ID);
    shadowing.init(context);
    List<Double> strong = Collections.nCopies(Grid.SIZE, Math.log(1e6));
    List<Double> noBaseline = Collections.nCopies(BaselineTest.LOGS, 0.0);
    EvidenceData big = new EvidenceData(100, 50, 50, 0, 0, 0.5, "CONTROL", 900, 0.01, 50, 2e6, 2000, null, T);
    for (String fleet : List.of("west", "east", "north")) {
      // The shadow fleet's evidence alone would reach the pooled threshold: it must not count.
      shadowing.process(new Record<>("channel-291/r41", KillSwitchInput.of(new PooledEvidence(fleet, "channel-291", "r41",
          fleet.equals("west") ? strong : Collections.nCopies(Grid.SIZE, 0.0), noBaseline)), T));
    }
    shadowing.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("west", "channel-291", "r41", "CRASH_SPIKE", 0, big, T, ESTABLISHED)), T));
    shadowing.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("east", "channel-291", "r41", "CRASH_SPIKE", 0, big, T, ESTABLISHED)), T));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).extracting(r -> r.key(), r -> r.value().getShadow())
        .as("each fleet halted, the shadow one in shadow, none globally")
        .containsExactly(tuple("west/channel-291/r41", true), tuple("east/channel-291/r41", false));
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).extracting(r -> r.value().getSummary())
        .anySatisfy(summary -> assertThat(summary).startsWith("[SHADOW] would halt west/channel-291/r41"));
    KeyValueStore<String, KillSwitchState> store = context.getStateStore(KillSwitchProcessor.STORE);
    KillSwitchStatus status = KillSwitchReport.of(store.get("channel-291/r41"), "channel-291", "r41", DetectionRules.defaults(), 2);
    assertThat(status.globalTest().gatedFleets()).extracting(GatedFleet::fleet, GatedFleet::gate).containsExactly(tuple("west", "shadow"));

    shadowing.process(new Record<>("channel-291/r41", KillSwitchInput.of(new PooledEvidence("north", "channel-291", "r41", strong, noBaseline)), T));
    shadowing.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("north", "channel-291", "r41", "CRASH_SPIKE", 0, big, T, ESTABLISHED)), T));
    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).extracting(r -> r.key(), r -> r.value().getShadow())
        .as("two enforced fleets: the GLOBAL halt is enforced, for the shadow fleet too")
        .endsWith(tuple("north/channel-291/r41", false), tuple("*/channel-291/r41", false));

    context.resetForwards();
    shadowing.process(new Record<>("channel-291/r99", KillSwitchInput.of(new OperatorRequest("force-1", "FORCE_HALT",
        Target.parse("west/channel-291/r99"), "sre (key 0a)", "seen it myself", T, "0a", null)), T));
    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement()
        .satisfies(r -> assertThat(r.value().getShadow()).as("an operator's FORCE_HALT of a shadow fleet").isFalse());
  }

  /** A RESUME is never a shadow command, even in SHADOW mode: it must lift whatever HALT stands. */
  @Test
  void shouldNeverMakeAResumeShadow() {
    KillSwitchProcessor shadowMode = new KillSwitchProcessor(DetectionRules.from(Map.of("mode", "SHADOW", "shadow-fleets", "airline-ops")),
        OperatorTrust.defaults(), DetectorMetrics.unserved(), KEY_ID);
    shadowMode.init(context);
    shadowMode.process(new Record<>("channel-291/r41", KillSwitchInput.of(operator("FORCE_HALT")), T));
    context.resetForwards();

    shadowMode.process(new Record<>("channel-291/r41", KillSwitchInput.of(operator("RESUME")), T));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement().satisfies(r -> {
      assertThat(r.value().getAction()).isEqualTo(KillSwitchAction.RESUME);
      assertThat(r.value().getShadow()).isFalse();
    });
  }

  /** The alert resolves once, when the version's test has ended in every fleet that could not judge it. */
  @Test
  void shouldResolveTheCannotJudgeAlertWhenTheLastFleetsTestEnds() {
    EvidenceData evidence = new EvidenceData(1000, 5, 5, 0, 0, 0.5, "BASELINE", 0, 0, 0, 0, 2000, null, T);
    for (int i = 0; i < 3; i++) {
      process(KillSwitchInput.of(new CannotJudge("fleet-" + i, "channel-291", "r41", evidence, T, false)));
    }
    process(KillSwitchInput.of(new CannotJudge("fleet-0", "channel-291", "r41", null, T, true)));
    process(KillSwitchInput.of(new CannotJudge("fleet-1", "channel-291", "r41", null, T, true)));
    process(KillSwitchInput.of(new CannotJudge("fleet-1", "channel-291", "r41", null, T, true)));
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).extracting(r -> r.value().getStatus())
        .containsExactly(AlertStatus.FIRING, AlertStatus.FIRING);

    process(KillSwitchInput.of(new CannotJudge("fleet-2", "channel-291", "r41", null, T, true)));

    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).extracting(r -> r.key() + " " + r.value().getStatus())
        .containsExactly("insufficient-evidence/*/channel-291/r41 FIRING", "insufficient-evidence/*/channel-291/r41 FIRING",
            "insufficient-evidence/*/channel-291/r41 RESOLVED");
  }

  /** A thousand fleets pushing a version no fleet can judge raise one alert, re-sent as their count doubles. */
  @Test
  void shouldAggregateCannotJudgeIntoOneAlertPerVersionAndNeverHalt() {
    EvidenceData evidence = new EvidenceData(1000, 5, 5, 0, 0, 0.5, "BASELINE", 0, 0, 0, 0, 2000, null, T);
    for (int i = 0; i < 1000; i++) {
      process(KillSwitchInput.of(new CannotJudge("fleet-" + i, "channel-291", "r41", evidence, T, false)));
      process(KillSwitchInput.of(new CannotJudge("fleet-" + i, "channel-291", "r41", evidence, T, false)));
    }

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).isEmpty();
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).hasSize(10).allSatisfy(r -> {
      assertThat(r.key()).isEqualTo("insufficient-evidence/*/channel-291/r41");
      assertThat(r.value().getKind()).isEqualTo(AlertKind.INSUFFICIENT_EVIDENCE);
      assertThat(r.value().getStatus()).isEqualTo(AlertStatus.FIRING);
    });
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS).get(9).value().getSummary())
        .startsWith("Cannot judge */channel-291/r41 in 512 fleet(s), e.g. fleet-511: ");
  }

  /**
   * Compaction keeps a target's last record only: an old RESUME of the detector's own, written again
   * after its newer HALT, would stand in for the HALT. Read back, it is not the target's latest, so the
   * detector writes the HALT again, under a new sequence number, and says so (KILL_SWITCH_TAMPERED).
   */
  @Test
  void shouldReassertTheLatestCommandWhenAnOlderOneIsReadBackAfterIt() {
    process(KillSwitchInput.of(operator("FORCE_HALT")));
    process(KillSwitchInput.of(operator("RESUME")));
    context.setCurrentSystemTimeMs(T + 1_000);
    process(KillSwitchInput.of(operator("FORCE_HALT")));
    List<Long> sequences = forwarded(context, KillSwitchProcessor.COMMANDS).stream()
        .map(r -> SignatureHeaders.sequence(r.headers())).toList();
    String haltId = forwarded(context, KillSwitchProcessor.COMMANDS).get(2).value().getCommandId();
    for (long sequence : sequences) {
      process(KillSwitchInput.of(ReadBack.verified(Target.parse(TARGET), sequence, KEY_ID))); // its own, in order
    }
    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).hasSize(3);
    context.resetForwards();

    process(KillSwitchInput.of(ReadBack.verified(Target.parse(TARGET), sequences.get(1), KEY_ID))); // the RESUME, replayed

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(TARGET);
      assertThat(r.value().getAction()).isEqualTo(KillSwitchAction.HALT);
      assertThat(r.value().getCommandId()).as("the same decision").isEqualTo(haltId);
      assertThat(SignatureHeaders.sequence(r.headers())).isGreaterThan(sequences.get(2));
    });
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).singleElement().satisfies(r -> {
      assertThat(r.value().getKind()).isEqualTo(AlertKind.KILL_SWITCH_TAMPERED);
      assertThat(r.value().getTarget()).isEqualTo(TARGET);
      assertThat(r.value().getSummary()).contains("replayed", "HALT");
    });
  }

  /** A forged record or a tombstone would do the same after compaction: the latest command is written again. */
  @Test
  void shouldReassertTheLatestCommandWhenARecordFailsVerification() {
    process(KillSwitchInput.of(operator("FORCE_HALT")));
    context.resetForwards();

    process(KillSwitchInput.of(ReadBack.rejected(Target.parse(TARGET), "TOMBSTONE: a tombstone")));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement()
        .satisfies(r -> assertThat(r.value().getAction()).isEqualTo(KillSwitchAction.HALT));
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).singleElement()
        .satisfies(r -> assertThat(r.value().getSummary()).contains("TOMBSTONE"));
  }

  /**
   * Its own commands read back in the order written are no tampering, even when a newer one is already
   * on its way; a forged record of a target it never commanded has nothing to re-assert, only an alert;
   * its own signed record of a target it has no state of (after an application reset) is no alarm.
   */
  @Test
  void shouldNotReassertItsOwnCommandsReadInOrderNorInventOne() {
    process(KillSwitchInput.of(operator("FORCE_HALT")));
    process(KillSwitchInput.of(operator("RESUME")));
    long halt = SignatureHeaders.sequence(forwarded(context, KillSwitchProcessor.COMMANDS).get(0).headers());
    context.resetForwards();

    process(KillSwitchInput.of(ReadBack.verified(Target.parse(TARGET), halt, KEY_ID)));
    process(KillSwitchInput.of(ReadBack.verified(Target.parse("retail/channel-291/r41"), halt, KEY_ID)));
    assertThat(context.forwarded()).isEmpty();

    process(KillSwitchInput.of(ReadBack.rejected(Target.parse("depot/channel-291/r41"), "FORGED: does not match")));
    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).isEmpty();
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).singleElement()
        .satisfies(r -> assertThat(r.value().getKind()).isEqualTo(AlertKind.KILL_SWITCH_TAMPERED));
  }

  /**
   * A key rotation: the detector restarts with a new signing key, and re-signs every target's latest
   * command once (a new sequence number; the sink signs it with the new key), so rollout services can
   * drop the old public key afterwards. State from before it stored commands has nothing to re-sign.
   */
  @Test
  void shouldReSignEveryTargetsLatestCommandAfterAKeyRotation() {
    process(KillSwitchInput.of(operator("FORCE_HALT")));
    long before = SignatureHeaders.sequence(forwarded(context, KillSwitchProcessor.COMMANDS).get(0).headers());
    context.resetForwards();
    KillSwitchProcessor rotated = new KillSwitchProcessor(DetectionRules.defaults(), OperatorTrust.defaults(), DetectorMetrics.unserved(),
        "fedcba9876543210");
    rotated.init(context);

    context.scheduledPunctuators().get(context.scheduledPunctuators().size() - 1).getPunctuator().punctuate(T + 1_000);

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement().satisfies(r -> {
      assertThat(r.value().getAction()).isEqualTo(KillSwitchAction.HALT);
      assertThat(SignatureHeaders.sequence(r.headers())).isGreaterThan(before);
    });
    assertThat(forwarded(context, KillSwitchProcessor.ALERTS)).as("a rotation is no tampering").isEmpty();
  }

  /** A RESUME lifts only the HALT that stands, named by its commandId; one naming another changes nothing. */
  @Test
  void shouldResumeOnlyWhenTheResumeNamesTheHaltThatStands() {
    process(KillSwitchInput.of(operator("FORCE_HALT")));
    context.resetForwards();

    process(KillSwitchInput.of(new OperatorRequest("late", "RESUME", Target.parse(TARGET), "sre (key 0a)", "old news", T,
        "0a", "halt-of-last-week")));
    assertThat(context.forwarded()).isEmpty();

    process(KillSwitchInput.of(operator("RESUME")));
    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement()
        .satisfies(r -> assertThat(r.value().getAction()).isEqualTo(KillSwitchAction.RESUME));
  }

  /**
   * A global HALT stops a version in every fleet; lifting it takes global-resume-approvals (2) distinct
   * operator keys within global-resume-window: one key, however often, is not enough.
   */
  @Test
  void shouldLiftAGlobalHaltOnlyWithTwoDistinctOperatorKeys() {
    String global = "*/channel-291/r41";
    process(KillSwitchInput.of(new OperatorRequest("h", "FORCE_HALT", Target.parse(global), "sre (key 0a)", "bad", T, "0a", null)));
    String halt = forwarded(context, KillSwitchProcessor.COMMANDS).get(0).value().getCommandId();
    context.resetForwards();

    process(KillSwitchInput.of(new OperatorRequest("r1", "RESUME", Target.parse(global), "alice (key 0a)", "fixed", T, "0a", halt)));
    process(KillSwitchInput.of(new OperatorRequest("r2", "RESUME", Target.parse(global), "alice (key 0a)", "fixed!", T, "0a", halt)));
    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).as("one key twice").isEmpty();

    process(KillSwitchInput.of(new OperatorRequest("r3", "RESUME", Target.parse(global), "bob (key 0b)", "agreed", T, "0b", halt)));
    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).singleElement().satisfies(r -> {
      assertThat(r.value().getAction()).isEqualTo(KillSwitchAction.RESUME);
      assertThat(r.value().getActor()).contains("alice (key 0a)", "bob (key 0b)");
    });
  }

  /**
   * A RESUME marked false counts a false halt for each fleet whose trip made the HALT: the fleet's own, or for a
   * global HALT every fleet that counted towards it. A FORCE_HALT lifted as false counts nowhere: no rule made it.
   */
  @Test
  void shouldCountAFalseHaltForEachFleetWhoseTripMadeIt() {
    KillSwitchProcessor twoKeys = new KillSwitchProcessor(DetectionRules.from(Map.of("min-fleet-age", "0s")),
        OperatorTrust.defaults(), DetectorMetrics.unserved(), KEY_ID);
    twoKeys.init(context);
    List<Double> strong = Collections.nCopies(Grid.SIZE, Math.log(1e6));
    List<Double> noBaseline = Collections.nCopies(BaselineTest.LOGS, 0.0);
    EvidenceData big = new EvidenceData(100, 50, 50, 0, 0, 0.5, "CONTROL", 900, 0.01, 50, 2e6, 2000, null, T);
    for (String fleet : List.of("east", "north")) {
      twoKeys.process(new Record<>("channel-291/r41", KillSwitchInput.of(new PooledEvidence(fleet, "channel-291", "r41", strong, noBaseline)), T));
      twoKeys.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict(fleet, "channel-291", "r41", "CRASH_SPIKE", 0, big, T, ESTABLISHED)), T));
    }
    String global = "*/channel-291/r41";
    KeyValueStore<String, KillSwitchState> store = context.getStateStore(KillSwitchProcessor.STORE);
    String halt = store.get("channel-291/r41").global.commandId;
    for (String key : List.of("0a", "0b")) {
      twoKeys.process(new Record<>("channel-291/r41", KillSwitchInput.of(new OperatorRequest("r-" + key, "RESUME",
          Target.parse(global), "sre (key " + key + ")", "fine after all", T, key, halt, true)), T));
    }
    assertThat(forwarded(context, KillSwitchProcessor.FALSE_HALTS)).extracting(r -> r.value().fleetId())
        .containsExactlyInAnyOrder("east", "north");

    context.resetForwards();
    twoKeys.process(new Record<>("channel-291/r42", KillSwitchInput.of(new OperatorRequest("h", "FORCE_HALT",
        Target.parse("east/channel-291/r42"), "sre (key 0a)", "bad", T, "0a", null)), T));
    String forced = forwarded(context, KillSwitchProcessor.COMMANDS).get(0).value().getCommandId();
    twoKeys.process(new Record<>("channel-291/r42", KillSwitchInput.of(new OperatorRequest("r", "RESUME",
        Target.parse("east/channel-291/r42"), "sre (key 0a)", "fine", T, "0a", forced, true)), T));
    assertThat(forwarded(context, KillSwitchProcessor.FALSE_HALTS)).isEmpty();
  }

  private OperatorRequest operator(String action) {
    String lifts = null;
    if ("RESUME".equals(action)) {
      KeyValueStore<String, KillSwitchState> store = context.getStateStore(KillSwitchProcessor.STORE);
      lifts = store.get("channel-291/r41").fleets.get("airline-ops").commandId;
    }
    return new OperatorRequest("command-" + action, action, Target.parse(TARGET), "sre (key 0a)", "checked", T, "0a", lifts);
  }

  private void process(KillSwitchInput input) {
    processor.process(new Record<>("channel-291/r41", input, T));
  }
}
