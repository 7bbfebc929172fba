package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One seeded rollout in a simulated fleet, fed change by change to the real {@link FleetStatistics}:
 * devices that differ (a flaky share failing many times as often, always), a history before the
 * rollout, waves of installs at random moments, canary rings chosen at random or flakiest first, and
 * devices left behind. Failures are Poisson per device, at the candidate's ratio once it installed.
 */
final class DecisionSimulation {
  static final long HOUR = 3_600_000L;
  private static final String FLEET = "fleet";
  private static final String COMPONENT = "channel-291";
  static final String OLD = "r40";
  static final String NEW = "r41";

  /** The fleet: its devices, their usual failures per device-hour, and a flaky share failing {@code flakyMultiplier} times as often. */
  record Fleet(int devices, double rate, double flakyShare, double flakyMultiplier) {
  }

  /**
   * The rollout: hours of history the detector saw before it, cumulative wave fractions each over
   * {@code waveHours}, the share of devices never updated, the candidate's true failure ratio, and how
   * long after the start it is watched.
   */
  record Rollout(double historyHours, double[] waves, double waveHours, boolean flakyFirst, double leftBehind,
                 double ratio, double horizonHours) {
    Rollout withRatio(double r) {
      return new Rollout(historyHours, waves, waveHours, flakyFirst, leftBehind, r, horizonHours);
    }
  }

  record Outcome(boolean halted, long failedOnCandidate, double hoursToHalt, String comparison) {
  }

  private record Event(long atMs, int device, boolean install) {
  }

  private DecisionSimulation() {
  }

  static Outcome run(Fleet fleet, Rollout rollout, DetectionRules rules, long seed) {
    long startMs = startMs(rollout);
    FleetStatistics stats = new FleetStatistics(FLEET, COMPONENT);
    Set<String> failedOnNew = new HashSet<>();
    for (DeviceChange change : changes(fleet, rollout, FLEET, seed)) {
      if (change.kind() == DeviceChange.Kind.FAILED && change.version().equals(NEW)) {
        failedOnNew.add(change.deviceId());
      }
      CollectedDecisions decided = new CollectedDecisions();
      stats.apply(change, rules, decided);
      for (Verdict v : decided.verdicts) {
        if (v.version().equals(NEW)) {
          return new Outcome(true, failedOnNew.size(), (change.atMs() - startMs) / (double) HOUR, v.evidence().comparison());
        }
      }
    }
    return new Outcome(false, failedOnNew.size(), Double.NaN, null);
  }

  static long startMs(Rollout rollout) {
    return HOUR + (long) (rollout.historyHours() * HOUR);
  }

  /**
   * Everything device state would send for one fleet, in event-time order: the first sighting of
   * every device, installs with each device's latest failures, and every failure.
   */
  static List<DeviceChange> changes(Fleet fleet, Rollout rollout, String fleetId, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    int n = fleet.devices();
    double[] rate = new double[n];
    int flaky = (int) Math.round(fleet.flakyShare() * n);
    for (int i = 0; i < n; i++) {
      rate[i] = i < flaky ? fleet.rate() * fleet.flakyMultiplier() : fleet.rate();
    }
    long seenMs = HOUR;
    long startMs = startMs(rollout);
    long endMs = startMs + (long) (rollout.horizonHours() * HOUR);

    long[] installMs = installs(n, flaky, rollout, startMs, random);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (installMs[i] < endMs) {
        events.add(new Event(installMs[i], i, true));
      }
      failures(i, seenMs, Math.min(installMs[i], endMs), rate[i], random, events);
      if (installMs[i] < endMs) {
        failures(i, installMs[i], endMs, rate[i] * rollout.ratio(), random, events);
      }
    }
    events.sort(Comparator.comparingLong(Event::atMs).thenComparing(Event::install, Comparator.reverseOrder()));

    List<DeviceChange> changes = new ArrayList<>(events.size() + 1);
    changes.add(DeviceChange.firstSeen(fleetId, COMPONENT, OLD, n, seenMs));
    List<List<Long>> recent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      recent.add(List.of());
    }
    boolean[] onNew = new boolean[n];
    for (Event e : events) {
      int d = e.device();
      if (e.install()) {
        changes.add(DeviceChange.applied(fleetId, COMPONENT, NEW, OLD, false, "d" + d, recent.get(d), e.atMs()));
        onNew[d] = true;
        continue;
      }
      String version = onNew[d] ? NEW : OLD;
      changes.add(DeviceChange.failed(fleetId, COMPONENT, version, version, "d" + d, DeviceChange.Failure.CRASH, false,
          null, recent.get(d), e.atMs(), true));
      recent.set(d, DeviceChange.withFailure(recent.get(d), e.atMs()));
    }
    return changes;
  }

  /** When each device installs the candidate; Long.MAX_VALUE for the ones left behind. */
  private static long[] installs(int n, int flaky, Rollout rollout, long startMs, SplittableRandom random) {
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    shuffle(order, 0, n, random);
    if (rollout.flakyFirst()) {
      Arrays.sort(order, Comparator.comparing(i -> i < flaky ? 0 : 1)); // stable: random within each group
    }
    long[] at = new long[n];
    Arrays.fill(at, Long.MAX_VALUE);
    int updated = (int) Math.round((1 - rollout.leftBehind()) * n);
    int done = 0;
    for (int w = 0; w < rollout.waves().length; w++) {
      int upTo = Math.min(updated, (int) Math.round(rollout.waves()[w] * n));
      long from = startMs + (long) (w * rollout.waveHours() * HOUR);
      for (; done < upTo; done++) {
        at[order[done]] = from + (long) (random.nextDouble() * rollout.waveHours() * HOUR);
      }
    }
    return at;
  }

  private static void failures(int device, long fromMs, long toMs, double ratePerHour, SplittableRandom random, List<Event> out) {
    double t = fromMs;
    while (true) {
      t += -Math.log(1 - random.nextDouble()) / ratePerHour * HOUR;
      if (t >= toMs) {
        return;
      }
      out.add(new Event((long) t, device, false));
    }
  }

  private static void shuffle(Integer[] a, int from, int to, SplittableRandom random) {
    for (int i = to - 1; i > from; i--) {
      int j = from + random.nextInt(i - from + 1);
      Integer tmp = a[i];
      a[i] = a[j];
      a[j] = tmp;
    }
  }
}
