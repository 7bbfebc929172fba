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
 * of the detector's Micrometer registry.
 */
final class HealthServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
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
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, KafkaStreams.State state, Map<String, String> problems)
      throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      boolean ready = state == KafkaStreams.State.RUNNING && problems.isEmpty();
      Map<String, String> health = new LinkedHashMap<>();
      health.put("status", ready ? "UP" : "DOWN");
      health.put("state", state.name());
      health.putAll(new TreeMap<>(problems));
      byte[] body = JSON.writeValueAsBytes(health);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
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
