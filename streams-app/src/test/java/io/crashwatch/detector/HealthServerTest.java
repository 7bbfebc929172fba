package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.StateFormatException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

/** What /health and /metrics tell a probe and a person, without a broker. */
class HealthServerTest {

  @Test
  void shouldSayWhyADetectorThatStoppedOnUnreadableStateIsDown() throws Exception {
    String why = Detector.describe(new StreamsException("task failed",
        new StateFormatException("KillSwitchState was written in format 3; this detector reads formats 0 and 1")));
    try (HealthServer server = new HealthServer(0, () -> KafkaStreams.State.ERROR, () -> why, () -> "")) {
      HttpResponse<String> health = get(server.port(), "/health");

      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body()).contains("\"state\":\"ERROR\"",
          "\"error\":\"unreadable state: KillSwitchState was written in format 3; this detector reads formats 0 and 1\"");
    }
  }

  @Test
  void shouldServeTheScrapeAsPrometheusText() throws Exception {
    try (HealthServer server = new HealthServer(0, () -> KafkaStreams.State.RUNNING, () -> null,
        () -> "crashwatch_events_total{type=\"heartbeat\"} 3.0\n")) {
      HttpResponse<String> metrics = get(server.port(), "/metrics");

      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body()).isEqualTo("crashwatch_events_total{type=\"heartbeat\"} 3.0\n");
      assertThat(get(server.port(), "/health").body()).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");
    }
  }

  @Test
  void shouldDescribeOtherFailuresByTheirInnermostCause() {
    assertThat(Detector.describe(new StreamsException("outer", new IllegalStateException("the real reason"))))
        .isEqualTo("IllegalStateException: the real reason");
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
