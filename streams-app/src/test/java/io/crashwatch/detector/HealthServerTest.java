package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.detector.topology.format.StateFormatException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * /health is ready only while Kafka Streams runs and nothing else (the registry, a stop cause) says
 * otherwise; /metrics serves the registry's scrape. No broker needed.
 */
class HealthServerTest {

  private final AtomicReference<Map<String, String>> problems = new AtomicReference<>(Map.of());

  @Test
  void shouldBeReadyWhileRunningWithoutProblems() throws Exception {
    try (HealthServer health = server(KafkaStreams.State.RUNNING, "")) {
      HttpResponse<String> response = get(health, "/health");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");
    }
  }

  @Test
  void shouldNotBeReadyWhileAProblemIsReportedAndSayWhich() throws Exception {
    try (HealthServer health = server(KafkaStreams.State.RUNNING, "")) {
      problems.set(Map.of("registry", "unreachable"));

      HttpResponse<String> response = get(health, "/health");

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"RUNNING\",\"registry\":\"unreachable\"}");

      problems.set(Map.of());
      assertThat(get(health, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldAnswerLivenessWhateverKafkaAndTheRegistrySay() throws Exception {
    // A liveness probe that followed Kafka would restart every instance in a broker outage, all at once.
    problems.set(Map.of("registry", "unreachable"));
    try (HealthServer health = server(KafkaStreams.State.REBALANCING, "")) {
      assertThat(get(health, "/health").statusCode()).isEqualTo(503);

      HttpResponse<String> live = get(health, "/live");

      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).isEqualTo("{\"status\":\"ALIVE\"}");
    }
  }

  @Test
  void shouldSayWhyADetectorThatStoppedOnUnreadableStateIsDown() throws Exception {
    StopCause cause = StopCause.of(new StreamsException("task failed",
        new StateFormatException("KillSwitchState was written in format 3; this detector reads formats 0 and 1")));
    problems.set(Map.of("error", cause.message()));
    try (HealthServer health = server(KafkaStreams.State.ERROR, "")) {
      HttpResponse<String> response = get(health, "/health");

      assertThat(cause.exitCode()).as("restarting reads the same state: a supervisor must not loop")
          .isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("\"state\":\"ERROR\"",
          "\"error\":\"unreadable state: KillSwitchState was written in format 3; this detector reads formats 0 and 1\"");
    }
  }

  @Test
  void shouldServeTheScrapeAsPrometheusText() throws Exception {
    try (HealthServer health = server(KafkaStreams.State.RUNNING, "crashwatch_events_total{type=\"heartbeat\"} 3.0\n")) {
      HttpResponse<String> metrics = get(health, "/metrics");

      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body()).isEqualTo("crashwatch_events_total{type=\"heartbeat\"} 3.0\n");
    }
  }

  @Test
  void shouldAnswerTheReadinessProbeWhileAScrapeIsStuck() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (HealthServer health = new HealthServer("127.0.0.1", 0, () -> KafkaStreams.State.RUNNING, problems::get, () -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "";
    })) {
      var stuck = HttpClient.newHttpClient().sendAsync(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());

      HttpResponse<String> probe = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + "/health"))
              .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());

      assertThat(probe.statusCode()).isEqualTo(200);
      release.countDown();
      assertThat(stuck.get().statusCode()).isEqualTo(200);
    }
  }

  /** By default (http-bind 127.0.0.1) nothing off the machine reaches /health or /metrics. */
  @Test
  void shouldNotAnswerOnOtherInterfacesWhenBoundToLoopback() throws Exception {
    InetAddress external = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
        .filter(a -> !a.isLoopbackAddress() && a instanceof Inet4Address).findFirst()
        .orElseThrow(() -> new TestAbortedException("this machine has no non-loopback IPv4 address"));
    try (HealthServer health = server(KafkaStreams.State.RUNNING, "");
         Socket socket = new Socket()) {
      assertThat(get(health, "/health").statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> socket.connect(new InetSocketAddress(external, health.port()), 2_000))
          .isInstanceOf(ConnectException.class);
    }
  }

  private HealthServer server(KafkaStreams.State state, String scrape) throws Exception {
    return new HealthServer("127.0.0.1", 0, () -> state, problems::get, () -> scrape);
  }

  private static HttpResponse<String> get(HealthServer health, String path) throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
