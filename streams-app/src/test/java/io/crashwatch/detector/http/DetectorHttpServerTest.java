package io.crashwatch.detector.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.detector.config.HttpSettings;
import io.javalin.config.RoutesConfig;
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
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * /health is ready only while Kafka Streams runs and nothing else (the registry, a stop cause) says
 * otherwise; /metrics serves the registry's scrape; the API answers only whom it should. No broker needed.
 */
class DetectorHttpServerTest {
  private static final String TOKEN = "0123456789abcdef0123456789abcdef";
  /** A route of the API for these tests: it answers who asked, or fails. */
  private static final Consumer<RoutesConfig> API = routes -> {
    routes.get("/api/v1/echo", ctx -> ctx.json(Map.of("ok", true)));
    routes.get("/api/v1/fails", ctx -> {
      throw new IllegalStateException("secret detail from deep inside");
    });
  };

  private final AtomicReference<Map<String, String>> problems = new AtomicReference<>(Map.of());

  @Test
  void shouldBeReadyWhileRunningWithoutProblems() throws Exception {
    try (DetectorHttpServer health = server(KafkaStreams.State.RUNNING, "")) {
      HttpResponse<String> response = get(health, "/health");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"status\":\"UP\",\"state\":\"RUNNING\"}");
    }
  }

  @Test
  void shouldNotBeReadyWhileAProblemIsReportedAndSayWhich() throws Exception {
    try (DetectorHttpServer health = server(KafkaStreams.State.RUNNING, "")) {
      problems.set(Map.of("registry", "unreachable"));

      HttpResponse<String> response = get(health, "/health");

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).isEqualTo("{\"status\":\"DOWN\",\"state\":\"RUNNING\",\"registry\":\"unreachable\"}");

      problems.set(Map.of());
      assertThat(get(health, "/health").statusCode()).isEqualTo(200);
    }
  }

  /**
   * The dashboard at / with a policy that lets no script but its own run and sends nothing elsewhere; every file the
   * page names is served (the chart library's WebJar path follows its version in the build).
   */
  @Test
  void shouldServeTheDashboardAndEveryFileItNamesUnderAStrictPolicy() throws Exception {
    try (DetectorHttpServer http = server(KafkaStreams.State.RUNNING, "")) {
      HttpResponse<String> page = get(http, "/");

      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
      assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
          assertThat(csp).contains("script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'").doesNotContain("unsafe"));
      java.util.regex.Matcher named = java.util.regex.Pattern.compile("(?:src|href)=\"(/[^\"]+)\"").matcher(page.body());
      List<String> files = new java.util.ArrayList<>();
      while (named.find()) {
        files.add(named.group(1));
      }
      assertThat(files).contains("/dashboard.js", "/dashboard.css").anyMatch(f -> f.startsWith("/webjars/uplot/"));
      for (String file : files) {
        assertThat(get(http, file).statusCode()).as(file).isEqualTo(200);
      }
      assertThat(get(http, "/dashboard.js").body()).as("text only, never markup, from telemetry").doesNotContain("innerHTML");
    }
  }

  @Test
  void shouldAnswerLivenessWhateverKafkaAndTheRegistrySay() throws Exception {
    // A liveness probe that followed Kafka would restart every instance in a broker outage, all at once.
    problems.set(Map.of("registry", "unreachable"));
    try (DetectorHttpServer health = server(KafkaStreams.State.REBALANCING, "")) {
      assertThat(get(health, "/health").statusCode()).isEqualTo(503);

      HttpResponse<String> live = get(health, "/live");

      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(live.body()).isEqualTo("{\"status\":\"ALIVE\"}");
    }
  }

  @Test
  void shouldSayWhyADetectorThatStoppedOnUnreadableStateIsDown() throws Exception {
    problems.set(Map.of("error", "unreadable state: KillSwitchState was written in format 3; this detector reads formats 0 and 1"));
    try (DetectorHttpServer health = server(KafkaStreams.State.ERROR, "")) {
      HttpResponse<String> response = get(health, "/health");

      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.body()).contains("\"state\":\"ERROR\"",
          "\"error\":\"unreadable state: KillSwitchState was written in format 3; this detector reads formats 0 and 1\"");
    }
  }

  @Test
  void shouldServeTheScrapeAsPrometheusText() throws Exception {
    try (DetectorHttpServer health = server(KafkaStreams.State.RUNNING, "crashwatch_events_total{type=\"heartbeat\"} 3.0\n")) {
      HttpResponse<String> metrics = get(health, "/metrics");

      assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
      assertThat(metrics.body()).isEqualTo("crashwatch_events_total{type=\"heartbeat\"} 3.0\n");
    }
  }

  @Test
  void shouldAnswerTheReadinessProbeWhileAScrapeIsStuck() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (DetectorHttpServer health = new DetectorHttpServer(loopback(null), DetectorHttpServer.probes(
        () -> KafkaStreams.State.RUNNING, problems::get, () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return "";
        }), List.of())) {
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
    try (DetectorHttpServer health = server(KafkaStreams.State.RUNNING, "");
         Socket socket = new Socket()) {
      assertThat(get(health, "/health").statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> socket.connect(new InetSocketAddress(external, health.port()), 2_000))
          .isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void shouldServeTheApiOnLoopbackWithoutAToken() throws Exception {
    try (DetectorHttpServer http = new DetectorHttpServer(loopback(null), probes(), List.of(API))) {
      HttpResponse<String> answer = get(http, "/api/v1/echo");

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("{\"ok\":true}");
    }
  }

  @Test
  void shouldRequireTheBearerTokenWhenOneIsSet() throws Exception {
    try (DetectorHttpServer http = new DetectorHttpServer(loopback(TOKEN), probes(), List.of(API))) {
      HttpResponse<String> none = get(http, "/api/v1/echo");
      HttpResponse<String> wrong = get(http, "/api/v1/echo", "Bearer " + TOKEN.replace('0', '1'));
      HttpResponse<String> right = get(http, "/api/v1/echo", "Bearer " + TOKEN);

      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(none.body()).contains("a bearer token is required");
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("wrong bearer token").doesNotContain(TOKEN);
      assertThat(right.statusCode()).isEqualTo(200);
      assertThat(get(http, "/health").statusCode()).as("probes and scrapes need no token").isEqualTo(200);
    }
  }

  @Test
  void shouldRefuseTheApiBeyondLoopbackWithoutAToken() throws Exception {
    try (DetectorHttpServer http = new DetectorHttpServer(new HttpSettings("0.0.0.0", 0, null, null), probes(), List.of(API))) {
      HttpResponse<String> answer = get(http, "/api/v1/echo");

      assertThat(answer.statusCode()).isEqualTo(403);
      assertThat(answer.body()).contains("http-token");
      assertThat(get(http, "/health").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void shouldAnswerOnlyGetAndNeverShowAStackTrace() throws Exception {
    try (DetectorHttpServer http = new DetectorHttpServer(loopback(null), probes(), List.of(API))) {
      HttpResponse<String> post = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + http.port() + "/api/v1/echo")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> failed = get(http, "/api/v1/fails");
      HttpResponse<String> missing = get(http, "/api/v1/nothing-here");

      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(failed.statusCode()).isEqualTo(500);
      assertThat(failed.body()).isEqualTo("{\"error\":\"internal error; see the detector's log\"}");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("no such route");
    }
  }

  @Test
  void shouldCompareTokensWholly() {
    byte[] token = TOKEN.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(DetectorHttpServer.refusal("Bearer " + TOKEN, token, false)).isNull();
    assertThat(DetectorHttpServer.refusal("Bearer " + TOKEN.substring(0, 10), token, false)).isNotNull();
    assertThat(DetectorHttpServer.refusal("Basic " + TOKEN, token, false)).isNotNull();
    assertThat(DetectorHttpServer.refusal(null, null, true)).isNull();
  }

  private DetectorHttpServer.Probes probes() {
    return DetectorHttpServer.probes(() -> KafkaStreams.State.RUNNING, problems::get, () -> "");
  }

  private static HttpSettings loopback(String token) {
    return new HttpSettings("127.0.0.1", 0, token == null ? null : new org.apache.kafka.common.config.types.Password(token), null);
  }

  private DetectorHttpServer server(KafkaStreams.State state, String scrape) {
    return new DetectorHttpServer(loopback(null), DetectorHttpServer.probes(() -> state, problems::get, () -> scrape), List.of());
  }

  private static HttpResponse<String> get(DetectorHttpServer health, String path) throws Exception {
    return get(health, path, null);
  }

  private static HttpResponse<String> get(DetectorHttpServer health, String path, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health.port() + path));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
