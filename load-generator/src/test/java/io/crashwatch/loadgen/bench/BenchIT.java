package io.crashwatch.loadgen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.crashwatch.embedded.AlertmanagerProcess;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A smoke-sized run of the benchmark, so it cannot rot: every figure is produced (how fast is not asserted). */
class BenchIT {

  @TempDir
  Path out;

  @Test
  void shouldProduceEveryFigure() throws Exception {
    int exit = new CommandLine(new BenchCommand()).execute("--devices", "2000", "--events", "20000",
        "--latency-runs", "3", "--background-rate", "500", "--warm-up", "1s", "--partitions", "2", "--detector-heap", "256m",
        "--failover", "none", "--out", out.toString());

    assertThat(exit).isZero();
    JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
    for (String figure : new String[] {"ceilingEventsPerSec", "detectorEventsPerSec", "detectorWarmEventsPerSec", "ratio", "devices",
        "stateBytesPerDevice", "heapBytesAfterGc", "rssBytes", "backgroundEventsPerSec"}) {
      assertThat(results.path(figure).asDouble()).as(figure).isPositive();
    }
    assertThat(results.path("stateBytesPerDeviceByStore").has("device-state")).as("state by store").isTrue();
    assertThat(results.path("haltsDuringCatchUp").asLong()).as("HALTs while catching up on a healthy stream").isZero();
    assertThat(results.path("latencyMs").path("count").asLong()).isEqualTo(3);
    assertThat(results.path("latencyTimeouts").asLong()).isZero();
    assertThat(results.has("backgroundLagAtEnd")).as("backgroundLagAtEnd").isTrue();
    for (String p : new String[] {"p50", "p95", "p99", "max"}) {
      assertThat(results.path("latencyMs").has(p)).as(p).isTrue();
    }
    JsonNode toAlertmanager = results.path("haltToAlertmanagerMs");
    if (AlertmanagerProcess.binary().isPresent()) {
      assertThat(toAlertmanager.path("count").asLong()).as("each timed HALT's alert, in Alertmanager's API").isEqualTo(3);
      assertThat(toAlertmanager.has("p99")).isTrue();
    } else {
      assertThat(toAlertmanager.path("notMeasured").asText()).contains(AlertmanagerProcess.PACKAGE);
    }
    assertThat(Files.readString(out.resolve("results.md"))).contains("ceiling", "detector", "latency", "Alertmanager's API");
    assertThat(Files.readString(out.resolve("results.svg"))).startsWith("<svg");
  }

  /**
   * The failover phase: each variant kills one of two detectors and every partition it had is processed
   * again, by the survivor or by the restarted one. Five pairs of detectors and a session timeout each: slow.
   */
  @Test
  @Tag("slow")
  void shouldTimeEveryFailoverVariant() throws Exception {
    int exit = new CommandLine(new BenchCommand()).execute("--devices", "2000", "--events", "20000",
        "--latency-runs", "1", "--background-rate", "500", "--warm-up", "1s", "--partitions", "4", "--detector-heap", "256m",
        "--failover", "all", "--failover-rate", "500", "--out", out.toString());

    assertThat(exit).isZero();
    JsonNode failover = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("failover");
    assertThat(failover.size()).isEqualTo(Failover.Variant.values().length);
    for (JsonNode variant : failover) {
      assertThat(variant.path("partitionsResumedAfterMs").size()).as(variant.toString()).isPositive();
      assertThat(variant.path("maxMs").asLong()).as(variant.toString()).isPositive();
    }
    assertThat(Files.readString(out.resolve("results.md"))).contains("## Failover", "Kafka's defaults");
  }
}
