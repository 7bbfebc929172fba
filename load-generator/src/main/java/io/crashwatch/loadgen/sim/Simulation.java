package io.crashwatch.loadgen.sim;

import io.crashwatch.killswitch.KillSwitchView;
import io.crashwatch.loadgen.scenario.ClockSkewSpec;
import io.crashwatch.loadgen.scenario.EffectSpec;
import io.crashwatch.loadgen.scenario.FleetSpec;
import io.crashwatch.loadgen.scenario.IncidentSpec;
import io.crashwatch.loadgen.scenario.OperatorStep;
import io.crashwatch.loadgen.scenario.RolloutSpec;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.SleepSpec;
import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A scenario played in real time: fleets of simulated agents heartbeating, crashing, sleeping and
 * running wrong clocks, rollouts installing wave by wave, incidents and a person's commands, all
 * deterministic from the scenario's seed — and rollouts that stop installing the moment the kill
 * switch halts them, and go on when it resumes them.
 *
 * <p>One thread runs the event queue; the kill-switch listener's thread only marks rollouts halted
 * or resumed.
 */
public final class Simulation {
  /** Time from a crash to the BOOT heartbeat of a machine that comes back. */
  static final long REBOOT_MS = 1_000;
  /** While the kill switch cannot say (the detector's lease is stale), how often a rollout service asks again. */
  static final long PAUSE_RETRY_MS = 200;

  private record Event(long atMs, long seq, Runnable action) {
  }

  private final Scenario scenario;
  private final Outbox telemetry;
  private final Function<String, String> sentFleetId;
  private final SplittableRandom random;
  private final PriorityQueue<Event> queue = new PriorityQueue<>((a, b) ->
      a.atMs != b.atMs ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
  private final List<Device> devices = new ArrayList<>();
  private final List<List<Device>> fleets = new ArrayList<>();
  private final List<RolloutProgress> rollouts = new ArrayList<>();
  /** Per fleet index and component, the version its latest rollout moves it to: a rollout's previous version. */
  private final Map<String, String> rolledOut = new HashMap<>();
  private final long intervalMs;
  private long seq;
  private long nowMs;
  private long startNanos;
  /** True time at simulation time 0. */
  private Instant start;
  /** Whether the kill switch answers UNKNOWN for a rollout now: it installs nothing meanwhile. */
  private Predicate<RolloutProgress> unknown = r -> false;
  /** The commandId of the HALT that stands for a target, which an operator's RESUME names; null: none known. */
  private Function<String, String> standingHalt = target -> null;

  /** @param sentFleetId the fleet id as sent to Kafka, e.g. with a run suffix against a shared cluster */
  Simulation(Scenario scenario, Outbox telemetry, Function<String, String> sentFleetId) {
    this.scenario = scenario;
    this.telemetry = telemetry;
    this.sentFleetId = sentFleetId;
    this.random = new SplittableRandom(scenario.seed());
    this.intervalMs = scenario.heartbeatInterval().toMillis();
    for (int f = 0; f < scenario.fleets().size(); f++) {
      FleetSpec spec = scenario.fleets().get(f);
      List<Device> fleet = new ArrayList<>();
      for (int i = 0; i < spec.devices(); i++) {
        Device d = new Device(String.format("%s-%05d", sentFleetId.apply(spec.id()), i), f, spec.components());
        d.flakiness = random.nextDouble() < spec.flakyFraction() ? spec.flakyMultiplier() : 1;
        d.offline = random.nextDouble() < spec.offlineFraction();
        ClockSkewSpec skew = spec.clockSkew();
        if (skew != null && random.nextDouble() < skew.fraction()) {
          long amount = skew.amount().toMillis();
          d.clockOffsetMs = random.nextLong(-amount, amount + 1);
        }
        fleet.add(d);
        devices.add(d);
      }
      fleets.add(fleet);
    }
    for (RolloutSpec r : scenario.rollouts()) {
      for (FleetSpec f : scenario.fleets()) {
        if (r.fleet().equals("*") || r.fleet().equals(f.id())) {
          rollouts.add(new RolloutProgress(r, f.id(), sentFleetId.apply(f.id())));
        }
      }
    }
  }

  public List<RolloutProgress> rollouts() {
    return rollouts;
  }

  /**
   * How the rollout services ask the kill switch: while it answers UNKNOWN for a rollout (not read to
   * its end, or the detector's lease stale), the rollout installs on no device, and asks again soon.
   */
  void pauseWhile(Predicate<RolloutProgress> unknown) {
    this.unknown = unknown;
  }

  /** Where an operator's RESUME learns the HALT it lifts: the kill switch as the rollout services read it. */
  void haltsFrom(Function<String, String> standingHalt) {
    this.standingHalt = standingHalt;
  }

  /** Milliseconds since the simulation started, on the wall clock. */
  long elapsedMs() {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /**
   * Called on the kill-switch listener's thread after each record: marks the rollouts the kill switch
   * now halts, and by what, and those it no longer halts (an operator's RESUME).
   */
  void onKillSwitch(KillSwitchView view, KillSwitchCommand command) {
    if (command != null && command.getShadow()) {
      return;
    }
    long at = elapsedMs();
    for (RolloutProgress r : rollouts) {
      KillSwitchCommand halt = view.haltOf(r.sentFleet, r.component(), r.version());
      if (halt != null && !r.stopped) {
        r.halt(halt.getReason() == HaltReason.OPERATOR ? ScenarioReport.OPERATOR
            : halt.getScope() == Scope.GLOBAL ? "GLOBAL" : "FLEET", at);
      } else if (halt == null && r.stopped) {
        r.resume();
      }
    }
  }

  /** Plays the scenario to its end; {@code progress} is called about twice a second. */
  void run(Runnable progress) throws InterruptedException {
    startNanos = System.nanoTime();
    start = Instant.now();
    schedule();
    long end = scenario.duration().toMillis();
    long nextProgress = 0;
    while (true) {
      nowMs = elapsedMs();
      if (nowMs >= end) {
        break;
      }
      resumeRollouts();
      while (!queue.isEmpty() && queue.peek().atMs <= nowMs) {
        queue.poll().action.run();
      }
      if (nowMs >= nextProgress) {
        progress.run();
        nextProgress = nowMs + 500;
      }
      long next = queue.isEmpty() ? end : queue.peek().atMs;
      long wait = Math.min(Math.min(next, end) - elapsedMs(), 20);
      if (wait > 0) {
        Thread.sleep(wait);
      }
    }
    progress.run();
  }

  /**
   * Plays the whole scenario at once, in simulation time, as if it had started at {@code start}: for
   * tests of what the agents send. A kill switch has no time to answer, so nothing is halted.
   */
  void playInstantly(Instant start) {
    this.start = start;
    schedule();
    long end = scenario.duration().toMillis();
    while (!queue.isEmpty() && queue.peek().atMs < end) {
      resumeRollouts();
      Event next = queue.poll();
      nowMs = next.atMs;
      next.action.run();
    }
  }

  private void at(long atMs, Runnable action) {
    queue.add(new Event(atMs, seq++, action));
  }

  /** The time on a device's clock now: true time, plus its skew. */
  private Instant deviceClock(Device d) {
    return start.plusMillis(nowMs + d.clockOffsetMs);
  }

  /** Sends the devices a halt kept waiting, spread over a wave interval, once a RESUME lifted it. */
  private void resumeRollouts() {
    for (RolloutProgress r : rollouts) {
      if (r.resumeDue) {
        r.resumeDue = false;
        long spreadMs = Math.max(1, r.spec.waveInterval().toMillis());
        for (Device d : r.waiting) {
          at(nowMs + random.nextLong(spreadMs), () -> install(r, d));
        }
        r.waiting.clear();
      }
    }
  }

  private void schedule() {
    for (Device d : devices) {
      if (d.offline) {
        continue;
      }
      // Agents check in at random moments of their interval, then keep their rhythm with some jitter.
      at(random.nextLong(intervalMs), () -> heartbeat(d, HeartbeatReason.PERIODIC, false));
      scheduleBackgroundCrash(d);
      SleepSpec sleep = scenario.fleets().get(d.fleet).sleep();
      if (sleep != null && random.nextDouble() < sleep.fraction()) {
        at(random.nextLong(sleep.every().toMillis()), () -> sleep(d, sleep));
      }
    }
    for (RolloutProgress r : rollouts) {
      at(r.spec.start().toMillis(), () -> startRollout(r));
    }
    for (IncidentSpec incident : scenario.incidents()) {
      at(incident.at().toMillis(), () -> incident(incident));
    }
    for (OperatorStep step : scenario.operator()) {
      at(step.at().toMillis(), () -> {
        String target = sentTarget(step.target());
        telemetry.operatorCommand(target, step.action(), step.reason(),
            step.action() == OperatorAction.RESUME ? standingHalt.apply(target) : null);
      });
    }
  }

  /** An operator's target with the fleet id as sent ({@code *} stays {@code *}). */
  private String sentTarget(String target) {
    int slash = target.indexOf('/');
    String fleet = target.substring(0, slash);
    return (fleet.equals(RolloutSpec.EVERY_FLEET) ? fleet : sentFleetId.apply(fleet)) + target.substring(slash);
  }

  /**
   * A device falls asleep for the spec's {@code for}, saying so first with a SHUTDOWN heartbeat if the
   * spec says it does, and sleeps again one period later. A device that says it shut down boots when it wakes.
   */
  private void sleep(Device d, SleepSpec spec) {
    if (d.bootLooping) {
      return;
    }
    if (spec.shutdownFirst() && nowMs >= d.darkUntilMs) {
      heartbeat(d, HeartbeatReason.SHUTDOWN, false);
    }
    long wake = nowMs + spec.duration().toMillis();
    d.asleepUntilMs = wake;
    if (spec.shutdownFirst()) {
      at(wake, () -> {
        if (!d.bootLooping) {
          d.boots++;
          d.bootedAtMs = nowMs;
          heartbeat(d, HeartbeatReason.BOOT, false);
        }
      });
    }
    at(nowMs + spec.every().toMillis(), () -> sleep(d, spec));
  }

  private void heartbeat(Device d, HeartbeatReason reason, boolean unclean) {
    if (d.bootLooping) {
      return;
    }
    if (reason == HeartbeatReason.PERIODIC) {
      if (nowMs >= d.unreachableUntilMs()) {
        send(d, reason, unclean); // cut off or asleep: the periodic one is simply missed
      }
      long jitter = intervalMs / 10;
      at(nowMs + intervalMs - jitter + random.nextLong(2 * jitter + 1), () -> heartbeat(d, HeartbeatReason.PERIODIC, false));
    } else {
      whenReachable(d, () -> send(d, reason, unclean));
    }
  }

  private void send(Device d, HeartbeatReason reason, boolean unclean) {
    telemetry.heartbeat(d, fleetId(d), reason, unclean, deviceClock(d), nowMs - d.bootedAtMs);
  }

  /**
   * Sends now, or, while an incident cuts the device off or it sleeps, once it is reachable again: an
   * agent queues what it could not send (an update applied, a boot, a crash report) and nothing gets
   * through meanwhile.
   */
  private void whenReachable(Device d, Runnable send) {
    if (nowMs < d.unreachableUntilMs()) {
      at(d.unreachableUntilMs(), () -> whenReachable(d, send));
    } else {
      send.run();
    }
  }

  /** The fleet in the order its rollout's waves take it: shuffled, then the flaky devices first if asked. */
  static List<Device> waveOrder(List<Device> fleet, RolloutSpec.WaveOrder waveOrder, SplittableRandom random) {
    List<Device> order = new ArrayList<>(fleet);
    for (int i = order.size() - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      Device t = order.get(i);
      order.set(i, order.get(j));
      order.set(j, t);
    }
    if (waveOrder == RolloutSpec.WaveOrder.FLAKY_FIRST) {
      order.sort(Comparator.comparingDouble((Device d) -> d.flakiness).reversed()); // stable: random within each kind
    }
    return order;
  }

  private void scheduleBackgroundCrash(Device d) {
    double rate = scenario.fleets().get(d.fleet).crashRatePerDeviceHour() * d.flakiness * d.rateMultiplier;
    if (rate <= 0) {
      return;
    }
    int epoch = ++d.crashEpoch;
    long in = (long) (-Math.log(1 - random.nextDouble()) / rate * 3_600_000);
    at(nowMs + in, () -> {
      if (d.crashEpoch == epoch && !d.bootLooping) {
        if (!d.asleep(nowMs)) {
          crash(d, 0x1E, null, false, 1.0, 0); // a sleeping machine runs nothing that could crash it
        }
        scheduleBackgroundCrash(d);
      }
    });
  }

  private void startRollout(RolloutProgress r) {
    if (r.halted()) {
      return; // a global halt came first: this rollout never starts installing
    }
    int fleetIndex = indexOf(r.fleet);
    List<Device> fleet = fleets.get(fleetIndex);
    String previous = rolledOut.put(fleetIndex + "/" + r.component(), r.version());
    telemetry.deployment(r.sentFleet, r.component(), r.version(),
        previous != null ? previous : scenario.fleets().get(fleetIndex).components().get(r.component()));
    List<Device> order = waveOrder(fleet, r.spec.waveOrder(), random);
    long waveStart = r.spec.start().toMillis();
    long waveMs = r.spec.waveInterval().toMillis();
    int from = 0;
    for (double cumulative : r.spec.waves()) {
      int to = (int) Math.round(cumulative * order.size());
      for (Device d : order.subList(from, to)) {
        at(waveStart + random.nextLong(Math.max(1, waveMs)), () -> install(r, d));
      }
      from = to;
      waveStart += waveMs;
    }
  }

  private void install(RolloutProgress r, Device d) {
    if (r.stopped) {
      r.waiting.add(d); // a halted rollout installs on no further device, until a RESUME
      return;
    }
    if (unknown.test(r)) {
      r.paused.add(d);
      at(nowMs + PAUSE_RETRY_MS, () -> install(r, d)); // paused, not dropped: it goes on once the detector vouches again
      return;
    }
    if (d.bootLooping || d.offline || r.version().equals(d.components.get(r.component()))) {
      return; // an offline device cannot be reached; one that runs the version already needs nothing
    }
    if (d.asleep(nowMs)) {
      at(d.asleepUntilMs, () -> install(r, d)); // the rollout service reaches it when it wakes
      return;
    }
    d.components.put(r.component(), r.version());
    d.installedBy.put(r.component(), r);
    r.installedAtMs.add(System.currentTimeMillis());
    if (!r.halted()) {
      r.installed++; // the report's figures stop at the first halt
    }
    heartbeat(d, HeartbeatReason.UPDATE_APPLIED, false);
    double multiplier = 1; // what its versions do to its crash rate, together: a rollback undoes a bad one's
    for (RolloutProgress installer : d.installedBy.values()) {
      multiplier *= installer.bad() ? installer.spec.effect().crashRateMultiplier() : 1;
    }
    if (multiplier != d.rateMultiplier) {
      d.rateMultiplier = multiplier;
      scheduleBackgroundCrash(d);
    }
    EffectSpec effect = r.spec.effect();
    if (effect == null) {
      return;
    }
    if (random.nextDouble() < effect.crashProbability()) {
      long delay = (long) (-Math.log(1 - random.nextDouble()) * effect.crashDelay().toMillis());
      at(nowMs + delay, () -> crash(d, effect.bugcheck(), effect.faultingModule(), effect.bootLoop(),
          effect.reportProbability(), effect.reportDelay().toMillis()));
    }
  }

  /**
   * A blue screen: the rollouts whose version the device runs count it; it loops or reboots with a
   * BOOT heartbeat saying the shutdown was unclean; a share of crashes upload a report later.
   */
  private void crash(Device d, int bugcheck, String module, boolean bootLoop, double reportProbability, long reportDelayMs) {
    if (d.bootLooping) {
      return;
    }
    if (d.asleep(nowMs)) {
      at(d.asleepUntilMs, () -> crash(d, bugcheck, module, bootLoop, reportProbability, reportDelayMs)); // on waking
      return;
    }
    Instant crashedAt = deviceClock(d);
    for (RolloutProgress r : d.installedBy.values()) {
      if (!r.halted()) {
        r.crashed++;
      }
      if (r.firstFailureMs < 0) {
        r.firstFailureMs = nowMs;
      }
    }
    d.bootLooping = bootLoop;
    if (!bootLoop) {
      at(nowMs + REBOOT_MS, () -> {
        d.boots++;
        d.bootedAtMs = nowMs;
        heartbeat(d, HeartbeatReason.BOOT, true);
      });
    }
    if (random.nextDouble() < reportProbability) {
      long delay = REBOOT_MS + (reportDelayMs == 0 ? 0 : (long) (-Math.log(1 - random.nextDouble()) * reportDelayMs));
      at(nowMs + delay, () -> whenReachable(d,
          () -> telemetry.crashReport(d, fleetId(d), crashedAt, deviceClock(d), bugcheck, module)));
    }
  }

  private void incident(IncidentSpec incident) {
    long until = nowMs + incident.duration().toMillis();
    for (Device d : fleets.get(indexOf(incident.fleet()))) {
      if (random.nextDouble() < incident.darkFraction()) {
        d.darkUntilMs = until;
      }
      if (random.nextDouble() < incident.crashFraction()) {
        at(nowMs + random.nextLong(Math.max(1, incident.duration().toMillis())), () -> crash(d, 0x1E, null, false, 1.0, 0));
      }
    }
  }

  private String fleetId(Device d) {
    return sentFleetId.apply(scenario.fleets().get(d.fleet).id());
  }

  private int indexOf(String fleet) {
    for (int f = 0; f < scenario.fleets().size(); f++) {
      if (scenario.fleets().get(f).id().equals(fleet)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown fleet " + fleet);
  }

  /** Devices updated (any rollout), crashed, and silent now: for the live view. */
  int[] counts() {
    int updated = 0;
    int crashed = 0;
    for (RolloutProgress r : rollouts) {
      updated += r.installed;
      crashed += r.crashed;
    }
    int dark = 0;
    for (Device d : devices) {
      if (d.bootLooping || nowMs < d.unreachableUntilMs()) {
        dark++;
      }
    }
    return new int[] {updated, crashed, dark};
  }
}
