package io.crashwatch.serde;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A Schema Registry stand-in on 127.0.0.1 answering scripted Confluent responses and recording every
 * request. Each {@code METHOD path} answers its scripted responses in order; the last one repeats.
 * A response may be slow, to make the client time out.
 */
final class ScriptedRegistryServer implements AutoCloseable {

  record Request(String method, String path, String contentType, String accept, String authorization,
      String body) {}

  private record Response(int status, String body, Duration delay) {}

  private final HttpServer server;
  /** Several threads, so a slow answer does not hold up the client's next attempt. */
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final Map<String, Deque<Response>> script = new ConcurrentHashMap<>();
  private volatile String requiredAuthorization;

  private ScriptedRegistryServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  static ScriptedRegistryServer start() throws IOException {
    return new ScriptedRegistryServer();
  }

  /** A port on 127.0.0.1 where nothing listens, so connections are refused at once. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  ScriptedRegistryServer on(String method, String path, int status, String body) {
    return slow(method, path, Duration.ZERO, status, body);
  }

  /** Answers only after {@code delay}. */
  ScriptedRegistryServer slow(String method, String path, Duration delay, int status, String body) {
    script.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>()).add(new Response(status, body, delay));
    return this;
  }

  /** Answers 401 to requests without exactly this Authorization header. */
  ScriptedRegistryServer requireAuthorization(String header) {
    requiredAuthorization = header;
    return this;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  List<Request> requests() {
    return requests;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    var headers = exchange.getRequestHeaders();
    Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath(),
        headers.getFirst("Content-Type"), headers.getFirst("Accept"), headers.getFirst("Authorization"),
        new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    requests.add(request);
    respond(exchange, answer(request));
  }

  private Response answer(Request request) {
    if (requiredAuthorization != null && !requiredAuthorization.equals(request.authorization())) {
      return new Response(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}", Duration.ZERO);
    }
    Deque<Response> responses = script.get(request.method() + " " + request.path());
    if (responses == null) {
      return new Response(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", Duration.ZERO);
    }
    synchronized (responses) {
      return responses.size() > 1 ? responses.poll() : responses.peek();
    }
  }

  private static void respond(HttpExchange exchange, Response response) throws IOException {
    if (!response.delay().isZero()) {
      try {
        Thread.sleep(response.delay().toMillis()); // a registry that answers too late
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", HttpSchemaRegistryClient.CONTENT_TYPE);
    exchange.sendResponseHeaders(response.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
