package io.crashwatch.detector.topology.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.model.UntrustedReports;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.SreAlert;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What an SRE's tools rely on in every alert: a resolve Alertmanager can match to its page, events that end on
 * their own, and a suggested command that stays one shell word whatever telemetry named the target.
 */
class AlertsTest {
  private static final DetectionRules RULES = DetectionRules.defaults();
  private static final Target FLEET = new Target("airline-ops", "channel-291", "r41");
  private static final UntrustedReports UNTRUSTED = new UntrustedReports(7, "airline-ops", "d-1", "never seen", 0);

  /** Every alert that resolves, FIRING then RESOLVED, as the stages raise them. */
  static Stream<Arguments> firingAndResolved() {
    return Stream.of(
        Arguments.of(Alerts.halted("rollout-halted/x/0", FLEET, "h-1", null, "OPERATOR", false, 0),
            Alerts.resumed("rollout-halted/x/0", FLEET, 0, "alice", "fixed", false, 10)),
        Arguments.of(Alerts.halted("rollout-halted/y/0", FLEET, "h-1", null, "OPERATOR", true, 0),
            Alerts.resumed("rollout-halted/y/0", FLEET, 0, "alice", "fixed", false, 10)),
        Arguments.of(Alerts.cannotJudge(Target.global("channel-291", "r41"), 1, "airline-ops", null, RULES, 0),
            Alerts.cannotJudgeOver(Target.global("channel-291", "r41"), 0, 10)),
        Arguments.of(Alerts.untrustedEvidence(UNTRUSTED, 0), Alerts.untrustedEvidenceResolved(UNTRUSTED, 0, 10, Duration.ofHours(1))),
        Arguments.of(Alerts.fleetIncident("airline-ops", 40, 0), Alerts.fleetIncidentResolved("airline-ops", 40, 0, 10)),
        Arguments.of(Alerts.telemetryOutage(0, RULES), Alerts.telemetryRestored(0, 10)),
        Arguments.of(Alerts.failureSpike("airline-ops", "sensor", "7.11", 12, 60_000, 0),
            Alerts.failureSpikeOver("airline-ops", "sensor", 0, 10)),
        Arguments.of(Alerts.detectorLagging(List.of(1, 3), 0, RULES), Alerts.detectorCaughtUp(0, 10)));
  }

  /** Alertmanager knows an alert by its whole label set: a resolve that differs opens a new alert and never closes the page. */
  @ParameterizedTest
  @MethodSource("firingAndResolved")
  void shouldResolveWithTheSeverityAndIdentityItFiredWith(SreAlert firing, SreAlert resolved) {
    assertThat(firing.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.getAlertId()).isEqualTo(firing.getAlertId());
    assertThat(resolved.getKind()).isEqualTo(firing.getKind());
    assertThat(resolved.getSeverity()).as("severity of the resolve of %s", firing.getKind()).isEqualTo(firing.getSeverity());
    assertThat(resolved.getTarget()).isEqualTo(firing.getTarget());
    assertThat(identity(resolved)).isEqualTo(identity(firing));
    assertThat(firing.getEndsAt()).as("a state: it lasts until resolved").isNull();
    assertThat(resolved.getEndsAt()).isNotNull();
  }

  /** Events nothing resolves end by themselves, or Alertmanager would keep them firing for as long as they are re-sent. */
  @Test
  void shouldGiveEveryEventItsEnd() {
    List<SreAlert> events = List.of(
        Alerts.rolloutResumed(FLEET, 0, "alice", "fixed", false, 1_000),
        Alerts.killSwitchTampered(FLEET, "a tombstone", null, 1_000),
        Alerts.newDevicesUntrusted("airline-ops", "channel-291", "r41", 60, 5_000, 0, 1_000));

    assertThat(events).allSatisfy(e -> {
      assertThat(e.getStatus()).isEqualTo(AlertStatus.FIRING);
      assertThat(e.getEndsAt()).isEqualTo(Instant.ofEpochMilli(1_000).plus(Alerts.EVENT_SPAN));
    });
  }

  /** Every alert links its kind's section of the runbook (runbook-url#kind): each kind has one. */
  @ParameterizedTest
  @org.junit.jupiter.params.provider.EnumSource(value = io.crashwatch.schemas.AlertKind.class, names = "UNKNOWN",
      mode = org.junit.jupiter.params.provider.EnumSource.Mode.EXCLUDE)
  void shouldHaveARunbookSectionForEveryKind(io.crashwatch.schemas.AlertKind kind) throws Exception {
    assertThat(Files.readString(Path.of("..", "docs", "runbook.md"))).contains("\n## " + kind.name() + "\n");
  }

  private static Map<String, String> identity(SreAlert alert) {
    Map<String, String> labels = new TreeMap<>(alert.getLabels());
    labels.keySet().retainAll(List.of("fleet", "component", "version"));
    return labels;
  }

  @ParameterizedTest
  @ValueSource(strings = {"airline-ops", "x$(touch pwned)", "x`touch pwned`", "a'; touch pwned; echo '", "a b\"c\\d"})
  void shouldSuggestAResumeThatPassesTheTargetAsOneWordAndRunsNothingElse(String fleet, @TempDir Path dir) throws Exception {
    Target target = new Target(fleet, "channel-291", "r41");
    String halt = "5f1c0c1e-8a53-3d5c-9a8e-4c1b2a3d4e5f";
    SreAlert alert = Alerts.halted("rollout-halted/x/0", target, halt, null, "CRASH_SPIKE", false, 0);
    String suggested = alert.getSummary().substring(alert.getSummary().indexOf("./crashwatch resume "));

    // The suggestion as a shell runs it, with printf standing in for ./crashwatch: one argument per line.
    Process sh = new ProcessBuilder("sh", "-c", suggested.replace("./crashwatch resume ", "printf '%s\\n' "))
        .directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(sh.waitFor()).isZero();

    assertThat(out.lines().toList()).containsExactly(target.toString(), "--halt", halt, "--key", "YOUR_KEY", "--reason", "...");
    assertThat(Files.exists(dir.resolve("pwned"))).as("nothing the device sent ran").isFalse();
  }
}
