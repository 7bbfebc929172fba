package io.crashwatch.detector;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /health}: 200 only while Kafka Streams is RUNNING and no other problem is reported (e.g.
 * {@code "registry":"unreachable"}, or the {@code "error"} that stopped the detector, named in the
 * body), 503 otherwise (starting, rebalancing, restoring, failed), so a Kubernetes readiness probe
 * routes nothing to an instance that is not processing. {@code GET /metrics}: the Prometheus scrape
 * of the detector's Micrometer registry. {@code GET /live}: 200 while the process serves HTTP, whatever
 * Kafka and the registry say, for a liveness probe: one that followed them would restart every instance
 * at once in a broker outage, and a detector that stops on its own exits (its exit code tells why).
 */
final class HealthServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> LIVE = Map.of("status", "ALIVE");
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
    Thread t = new Thread(runnable, "crashwatch-http");
    t.setDaemon(true);
    return t;
  });

  /**
   * @param problems what else keeps the detector from being ready, e.g. {@code registry -> unreachable};
   *     empty when nothing does. Called on every request, so it must be cheap.
   */
  HealthServer(String bind, int port, Supplier<KafkaStreams.State> state, Supplier<Map<String, String>> problems,
               Supplier<String> scrape) throws IOException {
    server = HttpServer.create(new InetSocketAddress(bind, port), 0);
    // Two threads: a scraper slow to read /metrics must not keep the readiness probe from /health.
    server.setExecutor(executor);
    server.createContext("/health", exchange -> respond(exchange, state.get(), problems.get()));
    server.createContext("/metrics", exchange -> metrics(exchange, scrape.get()));
    server.createContext("/live", exchange -> json(exchange, 200, LIVE));
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, KafkaStreams.State state, Map<String, String> problems)
      throws IOException {
    boolean ready = state == KafkaStreams.State.RUNNING && problems.isEmpty();
    Map<String, String> health = new LinkedHashMap<>();
    health.put("status", ready ? "UP" : "DOWN");
    health.put("state", state.name());
    health.putAll(new TreeMap<>(problems));
    json(exchange, ready ? 200 : 503, health);
  }

  private static void json(HttpExchange exchange, int status, Map<String, String> fields) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = JSON.writeValueAsBytes(fields);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void metrics(HttpExchange exchange, String scrape) throws IOException {
    try (exchange) {
      byte[] bytes = scrape.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
