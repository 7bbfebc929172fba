package io.crashwatch.loadgen.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The benchmark's figures, written as results.json, results.md and results.svg. */
final class BenchResults {
  final Map<String, Object> json = new LinkedHashMap<>();

  void put(String key, Object value) {
    json.put(key, value);
  }

  /** Percentiles are null when no HALT was timed: a zero would read as instant. */
  void latency(Histogram h) {
    json.put("latencyMs", percentiles(h));
  }

  /**
   * From each HALT on the kill switch to its alert in Alertmanager's API; null when no Alertmanager was there to
   * time it with ({@code why} says so).
   */
  void alertLatency(Histogram h, String why) {
    json.put("haltToAlertmanagerMs", h == null ? Map.of("notMeasured", why) : percentiles(h));
  }

  private static Map<String, Object> percentiles(Histogram h) {
    Map<String, Object> latency = new LinkedHashMap<>();
    boolean any = h.getTotalCount() > 0;
    latency.put("p50", any ? h.getValueAtPercentile(50) : null);
    latency.put("p95", any ? h.getValueAtPercentile(95) : null);
    latency.put("p99", any ? h.getValueAtPercentile(99) : null);
    latency.put("max", any ? h.getMaxValue() : null);
    latency.put("count", h.getTotalCount());
    return latency;
  }

  void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("results.json").toFile(), json);
    Files.writeString(dir.resolve("results.md"), markdown());
    Files.writeString(dir.resolve("results.svg"), svg());
  }

  private double number(String key) {
    return ((Number) json.get(key)).doubleValue();
  }

  @SuppressWarnings("unchecked")
  private String byStore() {
    Map<String, Object> stores = (Map<String, Object>) json.getOrDefault("stateBytesPerDeviceByStore", Map.of());
    StringBuilder s = new StringBuilder();
    stores.forEach((store, bytes) -> s.append(s.length() == 0 ? "" : ", ").append(store).append(' ').append(bytes));
    return s.toString();
  }

  @SuppressWarnings("unchecked")
  private double latencyOf(String key) {
    Object value = ((Map<String, Object>) json.get("latencyMs")).get(key);
    return value == null ? Double.NaN : ((Number) value).doubleValue();
  }

  private String markdown() {
    StringBuilder md = new StringBuilder("# crashwatch benchmark\n\n");
    md.append(String.format(Locale.ROOT, "%s, commit `%s`, %s cores, %s, Java %s, Kafka %s.%n%n", json.get("date"),
        json.get("commit"), json.get("cores"), json.get("machine"), json.get("java"), json.get("kafka")));
    md.append(String.format(Locale.ROOT, "%,d events (95 %% heartbeats, 5 %% crash reports) over %,d devices; broker and "
        + "detector side by side on this machine; the detector's `state-memory-mb` is %d.%n%n",
        ((Number) json.get("events")).longValue(), ((Number) json.get("devices")).longValue(),
        ((Number) json.get("stateMemoryMb")).intValue()));
    md.append("| figure | value | beside it |\n|---|---|---|\n");
    md.append(String.format(Locale.ROOT, "| ceiling: plain consumer reading + decoding | %,.0f events/s | — |%n", number("ceilingEventsPerSec")));
    md.append(String.format(Locale.ROOT, "| detector catching up, exactly_once_v2 | %,.0f events/s | %.2f × the ceiling (target ≥ 0.35) |%n",
        number("detectorEventsPerSec"), number("ratio")));
    md.append(String.format(Locale.ROOT, "| the same, after the first quarter of the records (JVM warm) | %,.0f events/s | %.2f × the ceiling |%n",
        number("detectorWarmEventsPerSec"), number("detectorWarmEventsPerSec") / number("ceilingEventsPerSec")));
    md.append(String.format(Locale.ROOT, "| HALTs while catching up on a healthy stream | %d | must be 0 |%n",
        ((Number) json.get("haltsDuringCatchUp")).longValue()));
    md.append(String.format(Locale.ROOT, "| detection latency p50 / p95 / p99 / max | %.0f / %.0f / %.0f / %.0f ms | %d HALTs timed, %d not within 60 s; background %,.0f events/s (asked %,d), timed after %s of it; %,d records behind when it stopped |%n",
        latencyOf("p50"), latencyOf("p95"), latencyOf("p99"), latencyOf("max"), (long) latencyOf("count"),
        ((Number) json.get("latencyTimeouts")).longValue(), number("backgroundEventsPerSec"),
        ((Number) json.get("backgroundTargetEventsPerSec")).longValue(), json.get("latencyWarmUp"),
        ((Number) json.get("backgroundLagAtEnd")).longValue()));
    md.append(alertLatencyRow());
    md.append(String.format(Locale.ROOT, "| detector heap after GC | %,.1f MiB | RSS %,.1f MiB |%n",
        number("heapBytesAfterGc") / 1048576, number("rssBytes") / 1048576));
    md.append(String.format(Locale.ROOT, "| state on disk per device | %.0f bytes | target ≤ 200; by store: %s |%n",
        number("stateBytesPerDevice"), byStore()));
    md.append(String.format(Locale.ROOT, "| analysts' stores on disk | %s bytes | bounded by analytics-retention, not by devices |%n",
        json.getOrDefault("analyticsStateBytes", Map.of())));
    md.append("\n![throughput and latency](results.svg)\n");
    failover(md);
    return md.toString();
  }

  @SuppressWarnings("unchecked")
  private String alertLatencyRow() {
    Map<String, Object> a = (Map<String, Object>) json.getOrDefault("haltToAlertmanagerMs", Map.of("notMeasured", "—"));
    if (a.containsKey("notMeasured")) {
      return "| HALT on the kill switch to its alert in Alertmanager's API | not measured | " + a.get("notMeasured") + " |\n";
    }
    return String.format(Locale.ROOT, "| HALT on the kill switch to its alert in Alertmanager's API, p50 / p99 / max | %s / %s / %s ms"
        + " | %s alerts timed, Alertmanager on this machine, polled every 10 ms |%n", a.get("p50"), a.get("p99"), a.get("max"), a.get("count"));
  }

  /** Each variant's time from the kill until every partition of the killed instance was processed again. */
  @SuppressWarnings("unchecked")
  private void failover(StringBuilder md) {
    Map<String, Map<String, Object>> variants = (Map<String, Map<String, Object>>) json.getOrDefault("failover", Map.of());
    if (variants.isEmpty()) {
      return;
    }
    md.append(String.format(Locale.ROOT, "%n## Failover%n%nTwo detectors (one stream thread each) caught up on the same "
        + "events; one killed (SIGKILL) under %,d background events/s; the time until the group had committed, on every "
        + "heartbeat partition the killed one had, past the records written by the time it was dead.%n%n| variant | all its partitions processed again after | each partition, ms | beside the baseline |%n|---|---|---|---|%n",
        ((Number) json.get("failoverRate")).longValue()));
    Number baseline = variants.values().iterator().next().get("maxMs") instanceof Number n ? n : null;
    variants.forEach((name, v) -> {
      long max = ((Number) v.get("maxMs")).longValue();
      String ratio = max < 0 || baseline == null || baseline.longValue() <= 0 ? "—"
          : String.format(Locale.ROOT, "%.2f ×", (double) max / baseline.longValue());
      md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", v.get("description"),
          max < 0 ? "not within 3 min" : String.format(Locale.ROOT, "%,.1f s", max / 1000.0), v.get("partitionsResumedAfterMs"), ratio));
    });
  }

  /** Two small bar charts: throughput against the ceiling, and latency percentiles. */
  private String svg() {
    double ceiling = number("ceilingEventsPerSec");
    double detector = number("detectorEventsPerSec");
    String[] names = {"p50", "p95", "p99", "max"};
    double maxLatency = Double.isNaN(latencyOf("max")) ? 1 : Math.max(1, latencyOf("max"));
    StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"260\" "
        + "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"640\" height=\"260\" fill=\"white\"/>\n");
    s.append("<text x=\"10\" y=\"20\" font-weight=\"bold\">Throughput (events/s)</text>\n");
    bar(s, 32, "ceiling", ceiling, ceiling, "#888888");
    bar(s, 56, "detector", detector, ceiling, "#d04020");
    bar(s, 80, "warm", number("detectorWarmEventsPerSec"), ceiling, "#e08060");
    s.append("<text x=\"10\" y=\"140\" font-weight=\"bold\">Detection latency (ms)</text>\n");
    for (int i = 0; i < names.length; i++) {
      double v = latencyOf(names[i]);
      bar(s, 160 + i * 24, names[i], Double.isNaN(v) ? 0 : v, maxLatency, "#2060c0");
    }
    return s.append("</svg>\n").toString();
  }

  private static void bar(StringBuilder s, int y, String label, double value, double max, String colour) {
    double width = max > 0 ? 420 * value / max : 0;
    s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 14, label));
    s.append(String.format(Locale.ROOT, "<rect x=\"90\" y=\"%d\" width=\"%.1f\" height=\"18\" fill=\"%s\"/>%n", y, width, colour));
    s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%,.0f</text>%n", 95 + width, y + 14, value));
  }
}
