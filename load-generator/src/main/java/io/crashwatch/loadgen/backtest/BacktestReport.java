package io.crashwatch.loadgen.backtest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.crashwatch.schemas.AlertKind;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a backtest found: every HALT and alert it would have made within the span beside the live
 * detector's, as the same, only in the backtest (it would have), or only live (it would not have).
 */
public record BacktestReport(String run, Span span, Map<String, String> tried, Map<String, Long> recordsRead,
                             List<String> warnings, List<String> leftOut, Comparison halts, Comparison alerts) {

  /** What no replay of the input can know, and so is left out of the comparison. */
  static final List<String> LEFT_OUT = List.of(
      "TELEMETRY_OUTAGE and DETECTOR_LAGGING alerts and the kill-switch leases: they follow the live detector's own lag",
      "KILL_SWITCH_TAMPERED alerts: they follow what was written to the live kill-switch topic, which is not read",
      "FLEET_SHADOW alerts: they follow the settings (shadow-fleets, tried here on purpose) and the operators' marks, not the telemetry",
      "HALTs that stood before the warm-up: the backtest's kill switch starts empty, so it may halt such a target again");

  /** The span compared, and where reading began (the warm-up builds state, its decisions are not compared). */
  public record Span(Instant from, Instant to, Instant warmUpFrom) {}

  /** A decision made both live and in the backtest; {@code backtestLaterMs} is negative when the backtest was earlier. */
  public record Match(AlertKind kind, String target, Instant live, Instant backtest, long backtestLaterMs,
                      Decision.Figures liveEvidence, Decision.Figures backtestEvidence) {}

  public record Comparison(List<Match> same, List<Decision> onlyBacktest, List<Decision> onlyLive) {

    /**
     * Pairs the decisions of each kind and target in time order, the first backtest one with the first live
     * one and so on: a target halted, resumed and halted again is two HALTs on each side.
     */
    static Comparison of(List<Decision> backtest, List<Decision> live) {
      Map<String, List<Decision>> byKey = new TreeMap<>();
      Map<String, List<Decision>> liveByKey = new TreeMap<>();
      backtest.forEach(d -> byKey.computeIfAbsent(key(d), k -> new ArrayList<>()).add(d));
      live.forEach(d -> liveByKey.computeIfAbsent(key(d), k -> new ArrayList<>()).add(d));
      List<Match> same = new ArrayList<>();
      List<Decision> onlyBacktest = new ArrayList<>();
      List<Decision> onlyLive = new ArrayList<>();
      for (String key : union(byKey, liveByKey)) {
        List<Decision> b = sorted(byKey.get(key));
        List<Decision> l = sorted(liveByKey.get(key));
        for (int i = 0; i < Math.max(b.size(), l.size()); i++) {
          if (i >= l.size()) {
            onlyBacktest.add(b.get(i));
          } else if (i >= b.size()) {
            onlyLive.add(l.get(i));
          } else {
            same.add(new Match(b.get(i).kind(), b.get(i).target(), l.get(i).at(), b.get(i).at(),
                Duration.between(l.get(i).at(), b.get(i).at()).toMillis(), l.get(i).evidence(), b.get(i).evidence()));
          }
        }
      }
      return new Comparison(same, onlyBacktest, onlyLive);
    }

    private static String key(Decision d) {
      return d.kind() + " " + (d.target() == null ? d.alertId() : d.target());
    }

    private static List<String> union(Map<String, List<Decision>> a, Map<String, List<Decision>> b) {
      TreeMap<String, Boolean> keys = new TreeMap<>();
      a.keySet().forEach(k -> keys.put(k, true));
      b.keySet().forEach(k -> keys.put(k, true));
      return new ArrayList<>(keys.keySet());
    }

    private static List<Decision> sorted(List<Decision> decisions) {
      return decisions == null ? List.of() : decisions.stream().sorted(Comparator.comparing(Decision::at)).toList();
    }
  }

  static BacktestReport of(String run, Span span, Map<String, String> tried, Map<String, Long> recordsRead,
                           List<RecordedInput.RetentionGap> gaps, List<Decision> backtest, List<Decision> live) {
    List<String> warnings = gaps.stream().map(g -> g.topic() + " keeps records from " + g.earliest() + " only, after the warm-up's"
        + " start " + span.warmUpFrom() + ": state at the span's start is thinner than it was live, so decisions early in the"
        + " span may differ. A longer retention on the input topics, or a later --from, covers it.").toList();
    return new BacktestReport(run, span, new TreeMap<>(tried), new LinkedHashMap<>(recordsRead), warnings, LEFT_OUT,
        Comparison.of(backtest.stream().filter(Decision::isHalt).toList(), live.stream().filter(Decision::isHalt).toList()),
        Comparison.of(backtest.stream().filter(d -> !d.isHalt()).toList(), live.stream().filter(d -> !d.isHalt()).toList()));
  }

  private static ObjectMapper json() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .registerModule(new SimpleModule().addSerializer(Instant.class, ToStringSerializer.instance));
  }

  public String toJsonString() {
    try {
      return json().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public void write(Path file) throws IOException {
    json().writeValue(file.toFile(), this);
  }

  /** A few lines for the terminal: the counts, and each decision that differs. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(String.format("HALTs: %d the same, %d only in the backtest (would have halted), %d only live (would not have)%n",
        halts.same().size(), halts.onlyBacktest().size(), halts.onlyLive().size()));
    halts.same().forEach(m -> s.append(String.format("  same           %s  live %s, backtest %+d ms%n", m.target(), m.live(), m.backtestLaterMs())));
    halts.onlyBacktest().forEach(d -> s.append(String.format("  only backtest  %s  at %s%n", d.target(), d.at())));
    halts.onlyLive().forEach(d -> s.append(String.format("  only live      %s  at %s%n", d.target(), d.at())));
    s.append(String.format("Other alerts: %d the same, %d only in the backtest, %d only live%n",
        alerts.same().size(), alerts.onlyBacktest().size(), alerts.onlyLive().size()));
    warnings.forEach(w -> s.append("warning: ").append(w).append(System.lineSeparator()));
    return s.toString();
  }
}
