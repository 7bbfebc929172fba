package io.crashwatch.loadgen.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.OperatorAction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * What the simulated devices, rollout services and operator send, played at once in simulation time:
 * devices that sleep, clocks that are wrong, a person's commands, rollbacks.
 */
class SimulationTest {
  private static final Instant START = Instant.parse("2026-11-29T00:00:00Z");

  /** One heartbeat as sent: simulation time, device, reason, the device's clock. */
  private record Sent(long atMs, String device, HeartbeatReason reason, boolean unclean, Instant sentAt) {
  }

  /** Records what a simulation sends; obeys its operator's commands at once, as a detector would. */
  private static final class Recorder implements Outbox {
    final List<Sent> heartbeats = new ArrayList<>();
    final List<String> deployments = new ArrayList<>();
    final List<String> commands = new ArrayList<>();
    final List<Instant> crashTimes = new ArrayList<>();
    Simulation simulation;

    @Override
    public void heartbeat(Device d, String fleetId, HeartbeatReason reason, boolean unclean, Instant sentAt,
                          long uptimeMs) {
      heartbeats.add(new Sent(trueMs(d, sentAt), d.id, reason, unclean, sentAt));
    }

    @Override
    public void crashReport(Device d, String fleetId, Instant crashedAt, Instant uploadedAt, int bugcheck, String module) {
      crashTimes.add(crashedAt.minusMillis(d.clockOffsetMs));
    }

    @Override
    public void deployment(String fleetId, String component, String version, String previous) {
      deployments.add(fleetId + "/" + component + ": " + previous + " -> " + version);
    }

    @Override
    public void operatorCommand(String target, OperatorAction action, String reason, String lifts) {
      commands.add(action + " " + target);
      for (RolloutProgress r : simulation.rollouts()) {
        if (action == OperatorAction.FORCE_HALT) {
          r.halt(ScenarioReport.OPERATOR, 0);
        } else {
          r.resume();
        }
      }
    }

    private static long trueMs(Device d, Instant sentAt) {
      return Duration.between(START, sentAt).toMillis() - d.clockOffsetMs;
    }
  }

  private static Recorder play(String yaml, Function<String, String> sentFleetId) {
    Scenario scenario = ScenarioParser.parse(yaml, "test.yaml");
    Recorder recorder = new Recorder();
    recorder.simulation = new Simulation(scenario, recorder, sentFleetId);
    recorder.simulation.playInstantly(START);
    return recorder;
  }

  private static Recorder play(String yaml) {
    return play(yaml, Function.identity());
  }

  @Test
  void shouldKeepSleepingDevicesSilentForTheirSleepAndNoOthers() {
    Recorder sent = play("""
        name: sleep
        seed: 7
        duration: 200s
        heartbeat-interval: 2s
        fleets:
          - id: laptops
            devices: 400
            components: {c: v1}
            sleep: {fraction: 0.6, every: 100s, for: 40s}
        """);

    Map<String, List<Long>> byDevice = new HashMap<>();
    sent.heartbeats.forEach(h -> byDevice.computeIfAbsent(h.device(), k -> new ArrayList<>()).add(h.atMs()));
    long sleepers = byDevice.values().stream().filter(times -> longestGap(times) >= 38_000).count();
    assertThat(sleepers / 400.0).isCloseTo(0.6, within(0.1)); // binomial: sd 0.025
    assertThat(byDevice.values()).allSatisfy(times -> assertThat(longestGap(times)).isLessThan(44_000));
    assertThat(byDevice.values().stream().filter(times -> longestGap(times) < 3_000).count()).isEqualTo(400 - sleepers);
    assertThat(sent.heartbeats).noneMatch(h -> h.reason() != HeartbeatReason.PERIODIC);
  }

  @Test
  void shouldSayShutdownBeforeSleepingAndBootCleanlyOnWakingWhenTheSpecSaysSo() {
    Recorder sent = play("""
        name: shutdown
        seed: 8
        duration: 100s
        heartbeat-interval: 2s
        fleets:
          - id: desktops
            devices: 100
            components: {c: v1}
            sleep: {fraction: 1.0, every: 60s, for: 20s, shutdown-first: true}
        """);

    Map<String, List<Sent>> byDevice = new HashMap<>();
    sent.heartbeats.forEach(h -> byDevice.computeIfAbsent(h.device(), k -> new ArrayList<>()).add(h));
    assertThat(byDevice.values()).allSatisfy(beats -> {
      int shutdown = indexOf(beats, HeartbeatReason.SHUTDOWN);
      assertThat(shutdown).isNotNegative();
      Sent next = beats.get(shutdown + 1);
      assertThat(next.reason()).isEqualTo(HeartbeatReason.BOOT);
      assertThat(next.unclean()).isFalse();
      assertThat(next.atMs() - beats.get(shutdown).atMs()).isEqualTo(20_000);
    });
  }

  @Test
  void shouldSkewTheClocksOfTheirShareOfDevicesWithinTheAmount() {
    Recorder sent = play("""
        name: skew
        seed: 9
        duration: 10s
        heartbeat-interval: 2s
        fleets:
          - id: f
            devices: 1000
            components: {c: v1}
            clock-skew: {fraction: 0.2, amount: 10m}
        """);

    Map<String, Long> offsets = new HashMap<>();
    sent.heartbeats.forEach(h -> offsets.put(h.device(), Duration.between(START.plusMillis(h.atMs()), h.sentAt()).toMillis()));
    long skewed = offsets.values().stream().filter(o -> o != 0).count();
    assertThat(skewed / 1000.0).isCloseTo(0.2, within(0.05)); // binomial: sd 0.013
    assertThat(offsets.values()).allSatisfy(o -> assertThat(Math.abs(o)).isLessThanOrEqualTo(600_000));
    assertThat(offsets.values().stream().filter(o -> o > 0).count()).as("ahead").isGreaterThan(50);
    assertThat(offsets.values().stream().filter(o -> o < 0).count()).as("behind").isGreaterThan(50);
  }

  @Test
  void shouldSendTheOperatorsCommandsAtTheirTimesWithTheFleetIdsAsSent() {
    Recorder sent = play("""
        name: operator
        duration: 60s
        heartbeat-interval: 2s
        fleets:
          - {id: f, devices: 10, components: {c: v1}}
        operator:
          - {at: 10s, action: FORCE_HALT, target: f/c/v2}
          - {at: 20s, action: RESUME, target: "*/c/v2"}
        """, fleet -> fleet + "-run1");

    assertThat(sent.commands).containsExactly("FORCE_HALT f-run1/c/v2", "RESUME */c/v2");
  }

  @Test
  void shouldHoldAHaltedRolloutsDevicesAndInstallThemOnceResumed() {
    Recorder sent = play("""
        name: resume
        seed: 10
        duration: 80s
        heartbeat-interval: 2s
        fleets:
          - {id: f, devices: 200, components: {c: v1}}
        rollouts:
          - {fleet: f, component: c, version: v2, start: 10s, waves: [0.5, 1.0], wave-interval: 20s}
        operator:
          - {at: 20s, action: FORCE_HALT, target: f/c/v2}
          - {at: 40s, action: RESUME, target: f/c/v2}
        """);

    List<Long> applied = sent.heartbeats.stream().filter(h -> h.reason() == HeartbeatReason.UPDATE_APPLIED)
        .map(Sent::atMs).toList();
    assertThat(applied).hasSize(200);
    assertThat(applied).noneMatch(t -> t >= 20_000 && t < 40_000);
    assertThat(applied).anyMatch(t -> t >= 40_000);
    RolloutProgress rollout = sent.simulation.rollouts().get(0);
    assertThat(rollout.installed()).as("the report's figure stops at the halt")
        .isEqualTo(applied.stream().filter(t -> t < 20_000).count());
    assertThat(rollout.halts()).containsExactly(ScenarioReport.OPERATOR);
  }

  @Test
  void shouldAnnounceARollbackFromTheVersionRolledOutBefore() {
    Recorder sent = play("""
        name: rollback
        duration: 60s
        heartbeat-interval: 2s
        fleets:
          - {id: f, devices: 20, components: {c: v1}}
        rollouts:
          - {fleet: f, component: c, version: v2, start: 5s, waves: [1.0], wave-interval: 5s}
          - {fleet: f, component: c, version: v1, start: 20s, waves: [1.0], wave-interval: 5s}
          - {fleet: f, component: c, version: v2, start: 40s, waves: [1.0], wave-interval: 5s}
        """);

    assertThat(sent.deployments).containsExactly("f/c: v1 -> v2", "f/c: v2 -> v1", "f/c: v1 -> v2");
    assertThat(sent.simulation.rollouts()).extracting(RolloutProgress::installed).containsExactly(20, 20, 20);
  }

  @Test
  void shouldUndoABadVersionsCrashRateWhenItIsRolledBack() {
    Recorder sent = play("""
        name: rollback-rate
        seed: 12
        duration: 200s
        heartbeat-interval: 2s
        fleets:
          - {id: f, devices: 200, crash-rate-per-device-hour: 36, components: {c: v1}}
        rollouts:
          - {fleet: f, component: c, version: v2, start: 0s, waves: [1.0], wave-interval: 1ms,
             effect: {crash-rate-multiplier: 10, report-probability: 1.0}}
          - {fleet: f, component: c, version: v1, start: 100s, waves: [1.0], wave-interval: 1ms}
        """);

    long onBad = sent.crashTimes.stream().filter(t -> t.isBefore(START.plusSeconds(100))).count();
    long afterRollback = sent.crashTimes.stream().filter(t -> t.isAfter(START.plusSeconds(110))).count();
    // Poisson means: 200 devices × 0.01/s × 10 × 100 s = 2,000 on v2; 200 × 0.01/s × 90 s = 180 after.
    assertThat((double) onBad).isCloseTo(2_000, within(4 * Math.sqrt(2_000)));
    assertThat((double) afterRollback).isCloseTo(180, within(4 * Math.sqrt(180)));
  }

  @Test
  void shouldNeverCrashASleepingDevice() {
    Recorder sent = play("""
        name: sleep-crash
        seed: 11
        duration: 300s
        heartbeat-interval: 2s
        fleets:
          - id: f
            devices: 300
            crash-rate-per-device-hour: 60
            components: {c: v1}
            sleep: {fraction: 1.0, every: 100s, for: 50s}
        """);

    // Every device sleeps half of each 100 s: crashes while awake only, so as many as awake time allows.
    double expected = 300 * 60 * (300 / 3600.0) * 0.5;
    assertThat((double) sent.crashTimes.size()).isCloseTo(expected, within(4 * Math.sqrt(expected)));
  }

  private static long longestGap(List<Long> times) {
    long gap = times.get(0);
    for (int i = 1; i < times.size(); i++) {
      gap = Math.max(gap, times.get(i) - times.get(i - 1));
    }
    return gap;
  }

  private static int indexOf(List<Sent> beats, HeartbeatReason reason) {
    for (int i = 0; i < beats.size(); i++) {
      if (beats.get(i).reason() == reason) {
        return i;
      }
    }
    return -1;
  }
}
