package io.crashwatch.detector.topology.output;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static io.crashwatch.detector.topology.routing.ProcessorHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.decision.BaselineTest;
import io.crashwatch.detector.topology.decision.Grid;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.CannotJudge;
import io.crashwatch.detector.topology.model.EvidenceData;
import io.crashwatch.detector.topology.model.KillSwitchInput;
import io.crashwatch.detector.topology.model.OperatorRequest;
import io.crashwatch.detector.topology.model.PooledEvidence;
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
import org.junit.jupiter.api.Test;

/** The kill switch sends each command and each alert to its own child. */
class KillSwitchProcessorTest {
  private static final long T = 1_721_361_600_000L;
  private static final String TARGET = "airline-ops/channel-291/r41";
  /** When the fleets of most tests were first seen: long before min-fleet-age. */
  private static final long ESTABLISHED = T - Duration.ofDays(30).toMillis();

  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  private final KillSwitchProcessor processor = new KillSwitchProcessor(DetectionRules.defaults(), DetectorMetrics.unserved());

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
        "min-fleet-age", "1d", "fleets", "east,west,north,young,small")), DetectorMetrics.unserved());
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

    gated.process(new Record<>("channel-291/r41", KillSwitchInput.of(new Verdict("west", "channel-291", "r41", "CRASH_SPIKE", 0, big, T, ESTABLISHED)), T));

    assertThat(forwarded(context, KillSwitchProcessor.COMMANDS)).extracting(r -> r.key()).last().isEqualTo("*/channel-291/r41");
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

  private static OperatorRequest operator(String action) {
    return new OperatorRequest("command-" + action, action, Target.parse(TARGET), "sre@example.com", "checked", T);
  }

  private void process(KillSwitchInput input) {
    processor.process(new Record<>("channel-291/r41", input, T));
  }
}
