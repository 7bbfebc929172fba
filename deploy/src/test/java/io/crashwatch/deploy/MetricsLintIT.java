package io.crashwatch.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.killswitch.Ed25519Keys;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running detector's {@code /metrics}, as Prometheus scrapes it, through {@code promtool check metrics}: the whole
 * scrape parses, and crashwatch's own metrics follow Prometheus' conventions. Kafka's client and Streams metrics,
 * as Micrometer's {@code KafkaStreamsMetrics} names them, do not all ({@code io_time_ns_total}: an abbreviated
 * unit; {@code connection_count}: not a histogram): those are the names every dashboard for that binder uses,
 * and they are left as they are.
 */
class MetricsLintIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path dir;

  @Test
  void shouldServeMetricsPromtoolAccepts() throws Exception {
    Promtool.binary();
    String run = "lint-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> values = new HashMap<>(TopicNames.settingsUnder(run));
    values.put("bootstrap.servers", CLUSTER.bootstrapServers());
    values.put("schema.registry.url", CLUSTER.schemaRegistryUrl());
    values.put("application.id", run);
    values.put("state.dir", dir.resolve("state").toString());
    values.put("http-port", "0");
    values.put("topic-partitions", "2");
    Ed25519Keys.generateInto(dir.resolve("k.key"), dir.resolve("k.pub"));
    values.put("kill-switch-signing-key", dir.resolve("k.key").toString());
    values.put("alertmanager-urls", "http://127.0.0.1:1"); // nobody there: the delivery's meters show too
    values.put("heartbeat-interval", "2s"); // leases, and their gauge, within seconds
    try (Detector detector = Detector.start(DetectorSettings.from(values))) {
      detector.awaitRunning(Duration.ofSeconds(60));
      String[] scrape = new String[1];
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        scrape[0] = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + detector.httpPort()
            + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return scrape[0].contains("kafka_stream_thread_process_rate") && scrape[0].contains("crashwatch_alert_deliveries_total")
            && scrape[0].contains("crashwatch_lease_proceed_until_seconds");
      });

      Promtool.Run all = Promtool.run(dir, scrape[0], "check", "metrics");
      Promtool.Run own = Promtool.run(dir, own(scrape[0]), "check", "metrics");

      assertThat(all.exit()).as("0, or 3 for lint findings; 1 is a scrape Prometheus cannot parse: %s", all.output()).isIn(0, 3);
      assertThat(all.output().lines()).as("findings on crashwatch's own metrics").noneMatch(l -> l.startsWith("crashwatch_"));
      assertThat(own(scrape[0])).contains("crashwatch_alert_deliveries_total", "crashwatch_lease_proceed_until_seconds");
      assertThat(own.exit()).as(own.output()).isZero();
    }
  }

  /** The scrape's crashwatch_* families only, with their HELP and TYPE lines. */
  private static String own(String scrape) {
    StringBuilder own = new StringBuilder();
    scrape.lines().filter(l -> l.startsWith("crashwatch_") || l.startsWith("# HELP crashwatch_") || l.startsWith("# TYPE crashwatch_"))
        .forEach(l -> own.append(l).append('\n'));
    return own.toString();
  }
}
