package io.crashwatch.detector.topology.alerts;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.Severity;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** The alerts that stand: what the delivery sends to Alertmanager, rebuilt from the alerts read back. */
class ActiveAlertsProcessorTest {
  private static final long T = 1_721_361_600_000L;
  private static final Target TARGET = new Target("airline-ops", "channel-291", "r41");

  private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
  private final ActiveAlertsProcessor processor = new ActiveAlertsProcessor();
  private final KeyValueStore<String, ActiveAlert> store;
  private long offset;

  ActiveAlertsProcessorTest() {
    addStore(context, ActiveAlertsProcessor.STORE, Serdes.String(), new JsonSerde<>(ActiveAlert.class));
    store = context.getStateStore(ActiveAlertsProcessor.STORE);
    context.setCurrentSystemTimeMs(T);
    processor.init(context);
  }

  @Test
  void shouldKeepAFiringHaltWithItsEvidenceAndTheCommandThatLiftsIt() {
    read(Alerts.halted("rollout-halted/airline-ops/channel-291/r41/0", TARGET, "halt-1", null, "OPERATOR", false, T));

    ActiveAlert halt = store.get("rollout-halted/airline-ops/channel-291/r41/0");
    assertThat(halt.status).isEqualTo("FIRING");
    assertThat(halt.severity).isEqualTo("CRITICAL");
    assertThat(halt.endsAtMs).isNull();
    assertThat(halt.labels).containsEntry("fleet", "airline-ops").containsEntry("halt", "halt-1");
    assertThat(halt.resumeCommand).isEqualTo("./crashwatch resume airline-ops/channel-291/r41 --halt halt-1 --key YOUR_KEY --reason '...'");
  }

  @Test
  void shouldStillAnswerForAHaltOlderThanTheAlertsTopicRetention() {
    read(Alerts.halted("rollout-halted/x/0", TARGET, "halt-1", null, "OPERATOR", false, T));

    context.setCurrentSystemTimeMs(T + Duration.ofDays(90).toMillis());
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs());

    assertThat(store.get("rollout-halted/x/0")).as("a halt stands until it is resumed, however long").isNotNull();
  }

  /** A resolve record of another severity (written by an older build: INFO) still closes the alert that fired. */
  @Test
  void shouldResolveWithEverythingTheAlertFiredWith() {
    read(Alerts.halted("rollout-halted/x/0", TARGET, "halt-1", null, "OPERATOR", false, T));
    Map<String, String> firedWith = store.get("rollout-halted/x/0").labels;
    SreAlert olderResolve = SreAlert.newBuilder().setAlertId("rollout-halted/x/0").setKind(AlertKind.ROLLOUT_HALTED)
        .setSeverity(Severity.INFO).setStatus(AlertStatus.RESOLVED).setTarget(TARGET.toString())
        .setSummary("Rollout of airline-ops/channel-291/r41 resumed by alice: fixed")
        .setStartsAt(Instant.ofEpochMilli(T)).setEndsAt(Instant.ofEpochMilli(T + 60_000)).build();

    read(olderResolve);

    ActiveAlert resolved = store.get("rollout-halted/x/0");
    assertThat(resolved.status).isEqualTo("RESOLVED");
    assertThat(resolved.severity).isEqualTo("CRITICAL");
    assertThat(resolved.labels).isEqualTo(firedWith).containsEntry("fleet", "airline-ops");
    assertThat(resolved.startsAtMs).isEqualTo(T);
    assertThat(resolved.endsAtMs).isEqualTo(T + 60_000);
    assertThat(resolved.resumeCommand).isNull();
    assertThat(resolved.revision).as("changed: sent at once").isEqualTo(1);
  }

  @Test
  void shouldForgetAResolveAndAnEventOnlyOnceTheyEndedLongAgo() {
    read(Alerts.halted("rollout-halted/x/0", TARGET, "halt-1", null, "OPERATOR", false, T));
    read(Alerts.resumed("rollout-halted/x/0", TARGET, T, "alice", "fixed", false, T + 1_000));
    read(Alerts.rolloutResumed(TARGET, 0, "alice", "fixed", false, T + 1_000));

    sweepAt(T + 1_000 + ActiveAlertsProcessor.KEPT_AFTER_END.toMillis() - 1);
    assertThat(store.get("rollout-halted/x/0")).as("still sent, for a member that missed the end").isNotNull();
    assertThat(store.get("rollout-resumed/airline-ops/channel-291/r41/0")).isNotNull();

    sweepAt(T + 1_000 + ActiveAlertsProcessor.KEPT_AFTER_END.toMillis());
    assertThat(store.get("rollout-halted/x/0")).isNull();
    assertThat(store.get("rollout-resumed/airline-ops/channel-291/r41/0")).as("its hour has not passed").isNotNull();

    sweepAt(T + 1_000 + Alerts.EVENT_SPAN.toMillis() + ActiveAlertsProcessor.KEPT_AFTER_END.toMillis());
    assertThat(store.get("rollout-resumed/airline-ops/channel-291/r41/0")).isNull();
  }

  /** A new store reads the topic from its start: alerts that ended long ago are nothing to send. */
  @Test
  void shouldNotKeepAnOldResolveReadAgain() {
    context.setCurrentSystemTimeMs(T + Duration.ofDays(3).toMillis());

    read(SreAlert.newBuilder().setAlertId("telemetry-outage").setKind(AlertKind.TELEMETRY_OUTAGE).setSeverity(Severity.CRITICAL)
        .setStatus(AlertStatus.RESOLVED).setSummary("Heartbeats flow again").setStartsAt(Instant.ofEpochMilli(T))
        .setEndsAt(Instant.ofEpochMilli(T + 1_000)).build());

    assertThat(store.get("telemetry-outage")).isNull();
  }

  /**
   * The alerts topic still holds events written before they carried their end (a tamper alert with none, a
   * RESUME's notice ending as it fired): read at the first start of this store, they end an hour after they
   * fired, instead of firing in Alertmanager for as long as they are sent.
   */
  @Test
  void shouldEndAnEventWrittenBeforeEventsCarriedTheirEnd() {
    read(SreAlert.newBuilder().setAlertId("kill-switch-tampered/" + TARGET).setKind(AlertKind.KILL_SWITCH_TAMPERED)
        .setSeverity(Severity.CRITICAL).setStatus(AlertStatus.FIRING).setTarget(TARGET.toString())
        .setSummary("The kill switch holds a tombstone").setStartsAt(Instant.ofEpochMilli(T)).build());
    read(SreAlert.newBuilder().setAlertId("rollout-resumed/" + TARGET + "/0").setKind(AlertKind.ROLLOUT_RESUMED)
        .setSeverity(Severity.WARNING).setStatus(AlertStatus.FIRING).setTarget(TARGET.toString())
        .setSummary("Rollout resumed").setStartsAt(Instant.ofEpochMilli(T)).setEndsAt(Instant.ofEpochMilli(T)).build());

    assertThat(store.get("kill-switch-tampered/" + TARGET).endsAtMs).isEqualTo(T + Alerts.EVENT_SPAN.toMillis());
    assertThat(store.get("rollout-resumed/" + TARGET + "/0").endsAtMs).isEqualTo(T + Alerts.EVENT_SPAN.toMillis());
    sweepAt(T + Alerts.EVENT_SPAN.toMillis() + ActiveAlertsProcessor.KEPT_AFTER_END.toMillis());
    assertThat(store.get("kill-switch-tampered/" + TARGET)).isNull();
  }

  private void read(SreAlert alert) {
    context.setRecordMetadata("crashwatch.alerts", 0, offset++);
    processor.process(new Record<>(alert.getAlertId(), alert, context.currentSystemTimeMs()));
  }

  private void sweepAt(long nowMs) {
    context.setCurrentSystemTimeMs(nowMs);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(nowMs);
  }
}
