package io.crashwatch.embedded;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An in-memory, Confluent-compatible Schema Registry (Avro only) on 127.0.0.1, for the demo and tests.
 *
 * <p>It serves the REST subset that Confluent's serializers and crashwatch's serde use: register and
 * look up schemas per subject, fetch by global id, list subjects and versions, compatibility checks and
 * settings, with Confluent's status codes and {@code error_code}s. Schema references are not supported.
 *
 * <p>Tests can make it fail like a real registry ({@link #failNext}, {@link #failAll}, {@link #delayAll},
 * {@link #heal}): down, overloaded, slow or refusing credentials.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  /** What Confluent's own server consumes; octet-stream is its catch-all for clients that send no JSON type. */
  private static final Set<String> ACCEPTED_TYPES = Set.of(CONTENT_TYPE, "application/vnd.schemaregistry+json",
      "application/json", "application/octet-stream");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 4;

  private final RegistryApi api = new RegistryApi();
  private final RegistryFaults faults = new RegistryFaults();
  private final HttpServer server;
  private final ExecutorService executor;

  private EmbeddedSchemaRegistry(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts on a free port. */
  public static EmbeddedSchemaRegistry start() {
    return start(0);
  }

  /** Starts on {@code port}, or a free port when it is 0. */
  public static EmbeddedSchemaRegistry start(int port) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + port, e);
    }
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor = Executors.newFixedThreadPool(THREADS, task -> {
      Thread thread = new Thread(task, "schema-registry-http-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, executor);
    server.createContext("/", registry::exchange);
    server.setExecutor(executor);
    server.start();
    log.info("Schema registry listening at {}", registry.url());
    return registry;
  }

  /** Base URL, e.g. {@code http://127.0.0.1:8081}, as {@code schema.registry.url} expects it. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Test support: the next {@code count} requests get HTTP {@code status} (e.g. 503, 429) and no answer. */
  public EmbeddedSchemaRegistry failNext(int status, int count) {
    faults.failNext(status, count);
    return this;
  }

  /** Test support: every request gets HTTP {@code status} (e.g. 401, 503) until {@link #heal()}. */
  public EmbeddedSchemaRegistry failAll(int status) {
    faults.failAll(status);
    return this;
  }

  /** Test support: every answer comes {@code delay} late until {@link #heal()}, so clients time out. */
  public EmbeddedSchemaRegistry delayAll(Duration delay) {
    faults.delayAll(delay);
    return this;
  }

  /** Test support: ends every injected fault; the registry answers as before, its schemas intact. */
  public EmbeddedSchemaRegistry heal() {
    faults.heal();
    return this;
  }

  /** Test support: requests received for this raw path, e.g. {@code /schemas/ids/7}, faults included. */
  public int requestCount(String path) {
    return faults.requestCount(path);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "EmbeddedSchemaRegistry[" + url() + "]";
  }

  private void exchange(HttpExchange exchange) throws IOException {
    try {
      int status = 200;
      Object body;
      try {
        body = answer(exchange);
      } catch (RegistryException e) {
        status = e.status();
        body = Map.of("error_code", e.errorCode(), "message", e.getMessage());
      } catch (RuntimeException e) {
        log.warn("Schema registry failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        RegistryException internal = RegistryException.internal(String.valueOf(e.getMessage()));
        status = internal.status();
        body = Map.of("error_code", internal.errorCode(), "message", internal.getMessage());
      }
      byte[] bytes = JSON.writeValueAsBytes(body);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } finally {
      exchange.close();
    }
  }

  private Object answer(HttpExchange exchange) throws IOException {
    Duration delay = faults.arrived(exchange.getRequestURI().getRawPath());
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis()); // a registry that answers too late
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw RegistryException.http(503, "Service Unavailable (shutting down)");
      }
    }
    RegistryException injected = faults.failure();
    if (injected != null) {
      throw injected;
    }
    return api.handle(request(exchange));
  }

  private static RegistryApi.Request request(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
    List<String> path = Arrays.stream(exchange.getRequestURI().getRawPath().split("/"))
        .filter(segment -> !segment.isEmpty())
        .map(EmbeddedSchemaRegistry::decode)
        .toList();
    return new RegistryApi.Request(method, path, query(exchange.getRequestURI().getRawQuery()), body(exchange));
  }

  private static JsonNode body(HttpExchange exchange) throws IOException {
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType != null && !ACCEPTED_TYPES.contains(mediaType(contentType))) {
      throw RegistryException.http(415, "Unsupported Media Type");
    }
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    if (bytes.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw RegistryException.http(400, "Bad Request: " + e.getOriginalMessage());
    }
  }

  private static String mediaType(String contentType) {
    return contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
  }

  private static Map<String, String> query(String rawQuery) {
    Map<String, String> query = new HashMap<>();
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        String[] nameValue = pair.split("=", 2);
        query.put(decode(nameValue[0]), nameValue.length > 1 ? decode(nameValue[1]) : "");
      }
    }
    return query;
  }

  /** Decodes %XX escapes but keeps '+' literal, as RFC 3986 paths do (URLDecoder alone is for forms). */
  private static String decode(String raw) {
    try {
      return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw RegistryException.http(400, "Bad Request: " + e.getMessage());
    }
  }
}
