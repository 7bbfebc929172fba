package io.crashwatch.detector.topology.status;

import java.util.Comparator;
import java.util.List;

/**
 * A row of the targets list: one target, its state and how far it is from tripping. Every instance lists what
 * its own active tasks hold; the instance asked puts the lists together ({@link #merge}).
 */
public record TargetSummary(String target, String state, String since, Long devicesOnVersion, Long failedDevices,
                            String decidingTest, Double statistic, Double threshold, Integer moreFailedDevices,
                            String haltCommandId, String why) {
  /** Halted first, then what needs a look, then what goes on, then what is over. */
  static final List<String> ORDER = List.of("HALTED", "HALTED_GLOBALLY", "TRIPPED", "CANNOT_JUDGE", "UNDER_TEST",
      "ESTABLISHED", "NOT_TESTED");
  public static final Comparator<TargetSummary> FIRST_THINGS_FIRST = Comparator
      .comparingInt((TargetSummary s) -> ORDER.indexOf(s.state()) < 0 ? ORDER.size() : ORDER.indexOf(s.state()))
      .thenComparing(TargetSummary::target);

  public static TargetSummary of(VersionStatus v) {
    TestResult deciding = v.tests().stream().filter(TestResult::deciding).findFirst().orElse(null);
    return new TargetSummary(v.fleet() + "/" + v.component() + "/" + v.version(), v.state(), v.since(),
        v.rollout().devicesOnVersion(), v.failures() == null ? null : v.failures().devices(), v.decidingTest(),
        deciding == null ? null : deciding.statistic(), deciding == null ? null : deciding.threshold(),
        v.whyNotYet() == null ? null : v.whyNotYet().moreFailedDevices(), null, v.reason());
  }

  public static TargetSummary of(Halt halt, String state) {
    return new TargetSummary(halt.target(), state, halt.haltedAt(), halt.evidence() == null ? null : halt.evidence().devicesOnVersion(),
        halt.evidence() == null ? null : halt.evidence().failedDevices(), null,
        halt.evidence() == null ? null : halt.evidence().testStatistic(), halt.evidence() == null ? null : halt.evidence().threshold(),
        null, halt.commandId(), "halted (" + halt.reason() + "); lift it with: " + halt.resumeCommand());
  }

  /** A global target's row. */
  public static TargetSummary of(TargetStatus global) {
    GlobalTest test = global.global();
    return new TargetSummary(global.target(), global.state(), global.since(), null, null, "pooled",
        Math.max(test.pooledControl(), test.pooledBaseline()), test.threshold(), null,
        global.halt() != null && global.halt().halted() ? global.halt().commandId() : null, global.why());
  }

  /**
   * The rows of one target put together: the kill switch's standing (halted, and with which command) over what the
   * test says; a fleet target of a version halted globally is HALTED_GLOBALLY.
   */
  public static List<TargetSummary> merge(List<TargetSummary> rows, int limit) {
    java.util.Map<String, TargetSummary> byTarget = new java.util.TreeMap<>();
    java.util.Map<String, TargetSummary> globalHalts = new java.util.HashMap<>();
    for (TargetSummary row : rows) {
      byTarget.merge(row.target(), row, TargetSummary::combine);
      if (row.target().startsWith("*/") && row.state().equals("HALTED")) {
        globalHalts.put(row.target().substring(2), row);
      }
    }
    return byTarget.values().stream()
        .map(row -> {
          TargetSummary global = globalHalts.get(row.target().substring(row.target().indexOf('/') + 1));
          boolean haltedHere = row.state().equals("HALTED");
          return global != null && !row.target().startsWith("*/") && !haltedHere
              ? new TargetSummary(row.target(), "HALTED_GLOBALLY", global.since(), row.devicesOnVersion(), row.failedDevices(),
                  row.decidingTest(), row.statistic(), row.threshold(), null, global.haltCommandId(),
                  "halted by the global target " + global.target())
              : row;
        })
        .sorted(FIRST_THINGS_FIRST).limit(limit).toList();
  }

  /** A halt row and a test row of the same target: the halt's standing, the test's figures. */
  private static TargetSummary combine(TargetSummary a, TargetSummary b) {
    TargetSummary halt = a.haltCommandId() != null ? a : b;
    TargetSummary test = halt == a ? b : a;
    if (halt.haltCommandId() == null) {
      return a; // the same target twice, from a task caught between two instances: either will do
    }
    return new TargetSummary(halt.target(), halt.state(), halt.since(), orElse(test.devicesOnVersion(), halt.devicesOnVersion()),
        orElse(test.failedDevices(), halt.failedDevices()), test.decidingTest(), orElse(halt.statistic(), test.statistic()),
        orElse(halt.threshold(), test.threshold()), null, halt.haltCommandId(), halt.why());
  }

  private static <T> T orElse(T first, T second) {
    return first != null ? first : second;
  }
}
