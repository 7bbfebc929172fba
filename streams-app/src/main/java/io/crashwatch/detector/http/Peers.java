package io.crashwatch.detector.http;

import com.fasterxml.jackson.databind.JavaType;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Asks another detector instance for its part of an answer, on its internal routes, which answer only from its
 * own stores and never pass a request on: one hop, and only to hosts Kafka Streams' metadata names.
 */
final class Peers {
  /** Internal routes: what an instance answers from its own stores for a peer. */
  static final String INTERNAL = "/api/v1/internal";
  static final Duration TIMEOUT = Duration.ofSeconds(5);

  /** The peer did not answer, or not as a detector does. */
  static final class Unreachable extends IOException {
    Unreachable(String message) {
      super(message);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final String authorization;

  Peers(Password token) {
    this.authorization = token == null ? null : "Bearer " + token.value();
  }

  /**
   * {@code path} (under {@link #INTERNAL}) of {@code peer} as {@code type}; null when it has none (404). A 503 of the
   * peer's (restoring, moved) is passed on as it said it.
   */
  <T> T get(HostInfo peer, String path, JavaType type) throws Unreachable, InterruptedException {
    URI uri = URI.create("http://" + peer.host() + ":" + peer.port() + INTERNAL + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Accept", "application/json");
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new Unreachable(Instances.address(peer) + " could not be reached: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }
    try {
      return switch (response.statusCode()) {
        case 200 -> Json.MAPPER.readValue(response.body(), type);
        case 404 -> null;
        case 503 -> throw new ApiException(503, Instances.address(peer) + ": " + Json.MAPPER.readValue(response.body(), Map.class).get("error"));
        default -> throw new Unreachable(Instances.address(peer) + " answered HTTP " + response.statusCode());
      };
    } catch (IOException e) {
      throw new Unreachable(Instances.address(peer) + " answered what is not the API's JSON: " + e.getMessage());
    }
  }

  /** An internal route's answer: the value, or a 404 "not held here", which {@link #get} reads as null. */
  static void found(Context ctx, Object value) {
    if (value == null) {
      ctx.attribute(DetectorHttpServer.ANSWERED, true);
      ctx.status(404).json(Map.of("error", "not held here"));
    } else {
      ctx.json(value);
    }
  }
}
