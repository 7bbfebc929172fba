package io.crashwatch.detector;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.crashwatch.detector.topology.rejects.RejectedInput;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * {@code GET /health}: 200 only while Kafka Streams is RUNNING and no other problem is reported (e.g.
 * {@code "registry":"unreachable"}, named in the body), 503 otherwise (starting, rebalancing, restoring,
 * failed), so a Kubernetes readiness probe routes nothing to an instance that is not processing.
 * {@code GET /metrics}: Prometheus text, rejected input by reason.
 */
final class HealthServer implements AutoCloseable {
  private final HttpServer server;

  HealthServer(int port, Supplier<KafkaStreams.State> state) throws IOException {
    this(port, state, Map::of);
  }

  /**
   * @param problems what else keeps the detector from being ready, e.g. {@code registry -> unreachable};
   *     empty when nothing does. Called on every request, so it must be cheap.
   */
  HealthServer(int port, Supplier<KafkaStreams.State> state, Supplier<Map<String, String>> problems) throws IOException {
    server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext("/health", exchange -> respond(exchange, state.get(), problems.get()));
    server.createContext("/metrics", HealthServer::metrics);
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
      StringBuilder json = new StringBuilder("{\"status\":\"" + (ready ? "UP" : "DOWN") + "\",\"state\":\"" + state
          + "\"");
      new TreeMap<>(problems).forEach((what, why) ->
          json.append(",\"").append(what).append("\":\"").append(why).append('"'));
      byte[] body = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(ready ? 200 : 503, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static void metrics(HttpExchange exchange) throws IOException {
    try (exchange) {
      StringBuilder body = new StringBuilder("# HELP crashwatch_rejected_records_total Input records sent to the dead-letter topic.\n"
          + "# TYPE crashwatch_rejected_records_total counter\n");
      RejectedInput.counts().forEach((reason, n) ->
          body.append("crashwatch_rejected_records_total{reason=\"").append(reason).append("\"} ").append(n).append('\n'));
      byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
