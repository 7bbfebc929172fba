package io.crashwatch.detector.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashwatch.detector.topology.status.Numbers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The status API's answers as text a person reads in one look. */
final class StatusTable {
  private StatusTable() {
  }

  /** The targets list: one line each, halted first. */
  static String targets(JsonNode answer) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TARGET", "STATE", "SINCE", "FAILED", "DECIDES", "STATISTIC/THRESHOLD", "TO TRIP"});
    for (JsonNode t : answer.path("targets")) {
      rows.add(new String[] {t.path("target").asText(), t.path("state").asText(), time(t.path("since")),
          t.has("failedDevices") ? t.path("failedDevices").asText() + " of " + t.path("devicesOnVersion").asText() : "-",
          t.path("decidingTest").asText("-"),
          t.has("statistic") ? Numbers.number(t.path("statistic").asDouble()) + " / " + Numbers.number(t.path("threshold").asDouble()) : "-",
          t.has("moreFailedDevices") ? "~" + t.path("moreFailedDevices").asText() : "-"});
    }
    StringBuilder text = new StringBuilder(columns(rows));
    if (answer.path("targets").isEmpty()) {
      text.append("(no target under test, halted, that cannot be judged or was established lately)\n");
    }
    if (!answer.path("complete").asBoolean(true)) {
      text.append("INCOMPLETE: ").append(answer.path("missing")).append('\n');
    }
    text.append("answered by ").append(answer.path("answeredBy").asText()).append(" of ").append(answer.path("instances")).append('\n');
    return text.toString();
  }

  /** One target: state, why, the rollout, the arms, each test, why not yet, the HALT and how to lift it. */
  static String target(JsonNode s) {
    StringBuilder text = new StringBuilder();
    text.append(s.path("target").asText()).append("   ").append(s.path("state").asText());
    if (s.hasNonNull("since")) {
      text.append(" since ").append(time(s.path("since")));
    }
    text.append('\n');
    line(text, "why", s.path("why").asText());
    JsonNode test = s.path("test");
    if (!test.isMissingNode()) {
      JsonNode r = test.path("rollout");
      line(text, "rollout", String.format(Locale.ROOT, "%,d of %,d devices (%.1f %%) on it%s%s", r.path("devicesOnVersion").asLong(),
          r.path("devicesSeen").asLong(), 100 * r.path("share").asDouble(),
          r.hasNonNull("fromVersion") ? ", from " + r.path("fromVersion").asText() : "",
          r.hasNonNull("startedAt") ? ", test since " + time(r.path("startedAt")) : ""));
      if (test.has("candidate")) {
        line(text, "at risk", arm("candidate", test.path("candidate")));
        line(text, "", arm("control  ", test.path("control")));
        JsonNode f = test.path("failures");
        line(text, "failures", String.format(Locale.ROOT, "%d devices: %d crashed, %d unclean reboots, %d dark; top signature %s",
            f.path("devices").asLong(), f.path("crashed").asLong(), f.path("uncleanReboots").asLong(), f.path("dark").asLong(),
            f.path("topSignature").asText("none")));
        line(text, "decides", test.path("decidingTest").asText() + ": " + test.path("decidingBecause").asText());
        for (JsonNode t : test.path("tests")) {
          line(text, t.path("test").asText(), String.format(Locale.ROOT, "%-12s statistic %s / threshold %s%s%s",
              t.path("classification").asText(), Numbers.number(t.path("statistic").asDouble()),
              Numbers.number(t.path("threshold").asDouble()),
              t.hasNonNull("rateRatio") ? String.format(Locale.ROOT, ", %s× its comparison", Numbers.number(t.path("rateRatio").asDouble())) : "",
              t.path("deciding").asBoolean() ? "  (deciding)" : ""));
        }
      }
      if (test.has("whyNotYet")) {
        line(text, "not yet", test.path("whyNotYet").path("reason").asText());
      }
    }
    halt(text, "halt", s.path("halt"));
    halt(text, "global halt", s.path("globalHalt"));
    JsonNode global = s.path("global");
    if (!global.isMissingNode()) {
      line(text, "tripped", global.path("trippedFleets").toString() + " of " + global.path("escalateFleets").asText() + " needed");
      line(text, "pooled", "control " + Numbers.number(global.path("pooledControl").asDouble()) + ", baseline "
          + Numbers.number(global.path("pooledBaseline").asDouble()) + " / threshold " + Numbers.number(global.path("threshold").asDouble()));
      for (JsonNode g : global.path("gatedFleets")) {
        line(text, "gated", g.path("fleet").asText() + " (" + g.path("gate").asText() + "): " + g.path("reason").asText());
      }
    }
    JsonNode account = s.path("fleetAccount");
    if (!account.isMissingNode() && !account.isNull()) {
      line(text, "fleet", String.format(Locale.ROOT, "%s: tests run %,d, tripped %,d, alpha spent %s, false halts %,d (%s%s)",
          account.path("fleet").asText(), account.path("tests").asLong(), account.path("tripped").asLong(),
          Numbers.number(account.path("alphaSpent").asDouble()), account.path("falseHalts").asLong(),
          account.path("aboveAlpha").asBoolean() ? "ABOVE what alpha predicts: at most " : "alpha accounts for up to ",
          Numbers.number(account.path("falseHaltLimit").asDouble())));
    }
    StringBuilder served = new StringBuilder();
    s.path("servedBy").fields().forEachRemaining(e -> served.append(served.length() == 0 ? "" : ", ").append(e.getKey())
        .append(" by ").append(e.getValue().asText()));
    line(text, "served", served.toString());
    for (JsonNode w : s.path("warnings")) {
      line(text, "WARNING", w.asText());
    }
    return text.toString();
  }

  private static void halt(StringBuilder text, String label, JsonNode h) {
    if (h.isMissingNode() || !h.path("halted").asBoolean()) {
      return;
    }
    line(text, label, h.path("reason").asText() + ", command " + h.path("commandId").asText() + ", at " + time(h.path("haltedAt"))
        + (h.path("shadow").asBoolean() ? " (shadow: not enforced)" : "")
        + (h.hasNonNull("actor") ? " by " + h.path("actor").asText() : ""));
    line(text, "lift it", h.path("resumeCommand").asText()
        + (h.hasNonNull("approvals") ? "   (" + h.path("approvals").asText() + " distinct operator keys)" : ""));
  }

  private static String arm(String name, JsonNode arm) {
    return String.format(Locale.ROOT, "%s %,d %s, failed %,d %s, %s device-hours", name, arm.path("atRisk").asLong(),
        arm.path("atRiskByStratum"), arm.path("failed").asLong(),
        arm.path("failedByStratum").isNull() || arm.path("failedByStratum").isMissingNode() ? "" : arm.path("failedByStratum").toString(),
        Numbers.number(arm.path("deviceHours").asDouble()));
  }

  private static void line(StringBuilder text, String label, String value) {
    text.append(String.format(Locale.ROOT, "  %-11s %s%n", label, value));
  }

  /** 2026-12-07 09:22:33Z: an ISO time without its milliseconds. */
  private static String time(JsonNode iso) {
    return iso.isMissingNode() || iso.isNull() ? "-" : iso.asText().replace('T', ' ').replaceAll("\\.\\d+Z$", "Z");
  }

  private static String columns(List<String[]> rows) {
    int[] widths = new int[rows.get(0).length];
    rows.forEach(r -> {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    });
    StringBuilder text = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == 0 ? "" : "  ").append(i == r.length - 1 ? r[i] : String.format("%-" + widths[i] + "s", r[i]));
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }
}
