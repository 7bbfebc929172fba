package io.crashwatch.detector.topology.analytics;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.status.HaltView;
import io.crashwatch.schemas.Comparison;
import io.crashwatch.schemas.Evidence;
import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** Standing and past halts, with who lifted them: the kill switch keeps only each target's latest command. */
class HaltHistoryProcessorTest {
  private static final long T = 1_721_361_600_000L;
  private static final String TARGET = "airline-ops/channel-291/r41";
  private static final Duration RETENTION = Duration.ofDays(7);

  private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
  private final HaltHistoryProcessor processor = new HaltHistoryProcessor(RETENTION);
  private final KeyValueStore<String, HaltHistory> store;

  HaltHistoryProcessorTest() {
    addStore(context, HaltHistoryProcessor.STORE, Serdes.String(), new JsonSerde<>(HaltHistory.class));
    store = context.getStateStore(HaltHistoryProcessor.STORE);
    context.setCurrentSystemTimeMs(T);
    processor.init(context);
  }

  @Test
  void shouldKeepAHaltWithItsEvidenceAndWhoLiftedIt() {
    command(halt("halt-1", T));
    command(resume("resume-1", T + 60_000, "oncall@example.com", "r41 pulled; r42 ships the fix"));

    List<HaltView> halts = store.get(TARGET).views(TARGET);
    assertThat(halts).singleElement().satisfies(h -> {
      assertThat(h.standing()).isFalse();
      assertThat(h.fleet()).isEqualTo("airline-ops");
      assertThat(h.version()).isEqualTo("r41");
      assertThat(h.reason()).isEqualTo("CRASH_SPIKE");
      assertThat(h.haltedAt()).isEqualTo(Instant.ofEpochMilli(T).toString());
      assertThat(h.evidence().failedDevices()).isEqualTo(12);
      assertThat(h.evidence().comparison()).isEqualTo("CONTROL");
      assertThat(h.liftedBy()).isEqualTo("oncall@example.com");
      assertThat(h.liftNote()).isEqualTo("r41 pulled; r42 ships the fix");
      assertThat(h.liftedAt()).isEqualTo(Instant.ofEpochMilli(T + 60_000).toString());
      assertThat(h.resumeCommand()).as("nothing to lift any more").isNull();
    });
  }

  @Test
  void shouldShowAStandingHaltWithTheCommandThatLiftsIt() {
    command(halt("halt-1", T));

    HaltView h = store.get(TARGET).views(TARGET).get(0);
    assertThat(h.standing()).isTrue();
    assertThat(h.resumeCommand()).contains("./crashwatch resume airline-ops/channel-291/r41 --halt halt-1");
  }

  /** The kill switch writes a HALT again on a key rotation and after tampering: still one halt. */
  @Test
  void shouldCountAHaltWrittenAgainOnce() {
    command(halt("halt-1", T));
    command(halt("halt-1", T + 5_000));
    command(resume("resume-1", T + 60_000, "oncall", "ok"));
    command(resume("resume-1", T + 65_000, "oncall", "ok"));
    command(halt("halt-2", T + 120_000));

    assertThat(store.get(TARGET).halts).extracting(e -> e.commandId).containsExactly("halt-1", "halt-2");
    assertThat(store.get(TARGET).halts.get(0).liftedAtMs).isEqualTo(T + 60_000);
    assertThat(store.get(TARGET).halts.get(1).standing()).isTrue();
  }

  @Test
  void shouldForgetLiftedHaltsAfterTheRetentionButNeverOneThatStands() {
    String other = "west-stores/channel-291/r41";
    command(halt("halt-1", T));
    command(resume("resume-1", T + 60_000, "oncall", "ok"));
    context.setRecordMetadata("crashwatch.kill-switch", 0, 1);
    processor.process(new Record<>(other, halt("halt-9", T).build(), T));

    context.setCurrentSystemTimeMs(T + RETENTION.toMillis() + Duration.ofHours(2).toMillis());
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs());

    assertThat(store.get(TARGET)).as("lifted more than analytics-retention ago").isNull();
    assertThat(store.get(other).halts).as("a halt stands until it is resumed, however long").hasSize(1);
  }

  @Test
  void shouldKeepTheLatestHaltsOfATargetHaltedOverAndOver() {
    for (int i = 0; i < HaltHistory.MAX_HALTS + 5; i++) {
      command(halt("halt-" + i, T + i * 120_000L));
      command(resume("resume-" + i, T + i * 120_000L + 60_000, "oncall", "again"));
    }
    command(halt("halt-last", T + 100 * 120_000L));

    assertThat(store.get(TARGET).halts).hasSize(HaltHistory.MAX_HALTS);
    assertThat(store.get(TARGET).halts.get(HaltHistory.MAX_HALTS - 1).commandId).isEqualTo("halt-last");
    assertThat(store.get(TARGET).halts.get(0).commandId).isEqualTo("halt-6");
  }

  /** The history's stored format, as this build writes it, is read back whole: locked by a committed record. */
  @Test
  void shouldReadItsCommittedFormat() throws IOException {
    byte[] committed;
    try (InputStream in = getClass().getResourceAsStream("/state-format-1/halt-history.json")) {
      committed = in.readAllBytes();
    }
    HaltHistory read = new JsonSerde<>(HaltHistory.class).deserializer().deserialize("halt-history-changelog", committed);

    assertThat(read.halts).hasSize(2);
    assertThat(read.halts.get(0).liftedBy).isEqualTo("oncall@example.com");
    assertThat(read.halts.get(0).evidence.failedDevices()).isEqualTo(12);
    assertThat(read.halts.get(1).standing()).isTrue();
  }

  private void command(KillSwitchCommand.Builder command) {
    context.setRecordMetadata("crashwatch.kill-switch", 0, 0);
    processor.process(new Record<>(TARGET, command.build(), command.getIssuedAt().toEpochMilli()));
  }

  private static KillSwitchCommand.Builder halt(String id, long atMs) {
    return KillSwitchCommand.newBuilder().setCommandId(id).setAction(KillSwitchAction.HALT).setScope(Scope.FLEET)
        .setFleetId("airline-ops").setComponent("channel-291").setVersion("r41").setReason(HaltReason.CRASH_SPIKE)
        .setIssuedAt(Instant.ofEpochMilli(atMs)).setShadow(false).setEvidence(evidence());
  }

  private static KillSwitchCommand.Builder resume(String id, long atMs, String actor, String note) {
    return KillSwitchCommand.newBuilder().setCommandId(id).setAction(KillSwitchAction.RESUME).setScope(Scope.FLEET)
        .setFleetId("airline-ops").setComponent("channel-291").setVersion("r41").setReason(HaltReason.OPERATOR)
        .setIssuedAt(Instant.ofEpochMilli(atMs)).setShadow(false).setActor(actor).setNote(note);
  }

  private static Evidence evidence() {
    return Evidence.newBuilder().setDevicesOnVersion(50).setFailedDevices(12).setCrashedDevices(12).setDarkDevices(0)
        .setUncleanReboots(0).setFailureRate(0.4).setComparison(Comparison.CONTROL).setControlDevices(4950)
        .setControlRate(0.001).setRateRatio(400).setTestStatistic(1e6).setThreshold(200)
        .setTopSignature("0x50 csagent.sys").setFirstFailureAt(Instant.ofEpochMilli(T - 60_000))
        .setDetectorVersion("test").setSettings(Map.of()).build();
  }
}
