package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** /health is ready only while Kafka Streams runs and nothing else (e.g. the registry) says otherwise. */
class HealthServerTest {

  private final AtomicReference<Map<String, String>> problems = new AtomicReference<>(Map.of());

  @Test
  void shouldBeReadyWhileRunningWithoutProblems() throws Exception {
    try (HealthServer health = new HealthServer(0, () -> KafkaStreams.State.RUNNING, problems::get)) {
      HttpResponse<String> response = health(health);

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");
    }
  }

  @Test
  void shouldNotBeReadyWhileAProblemIsReportedAndSayWhich() throws Exception {
    try (HealthServer health = new HealthServer(0, () -> KafkaStreams.State.RUNNING, problems::get)) {
      problems.set(Map.of("registry", "unreachable"));

      HttpResponse<String> response = health(health);

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"RUNNING\",\"registry\":\"unreachable\"}");

      problems.set(Map.of());
      assertThat(health(health).statusCode()).isEqualTo(200);
    }
  }

  private static HttpResponse<String> health(HealthServer health) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
