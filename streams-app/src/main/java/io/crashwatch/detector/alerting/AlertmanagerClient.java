package io.crashwatch.detector.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends alerts to every member of an Alertmanager cluster at once ({@code POST /api/v2/alerts}), as
 * Prometheus does: the members gossip notifications, not alerts, so each must hear of every alert.
 */
class AlertmanagerClient {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** How one member took a batch. */
  enum Result {
    /** 2xx: the member has them. */
    ACCEPTED,
    /** 4xx: the member refuses them as they are; sending them again changes nothing. */
    REJECTED,
    /** No answer, a timeout, 5xx: try again. */
    FAILED
  }

  record Answer(URI member, Result result, String detail) {
  }

  private final List<URI> members;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  AlertmanagerClient(List<URI> members) {
    this.members = List.copyOf(members);
  }

  /** Posts the batch to every member and waits for each answer (at most {@link #TIMEOUT} each, in parallel). */
  List<Answer> post(List<AlertmanagerAlert> alerts) {
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(alerts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write alerts as JSON", e);
    }
    List<CompletableFuture<Answer>> answers = new ArrayList<>();
    for (URI member : members) {
      HttpRequest request = HttpRequest.newBuilder(member.resolve(member.getPath() + "/api/v2/alerts"))
          .timeout(TIMEOUT).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
      answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .handle((response, error) -> answer(member, response, error)));
    }
    return answers.stream().map(CompletableFuture::join).toList();
  }

  private static Answer answer(URI member, HttpResponse<String> response, Throwable error) {
    if (error != null) {
      Throwable cause = error.getCause() == null ? error : error.getCause();
      return new Answer(member, Result.FAILED, cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
    int status = response.statusCode();
    if (status / 100 == 2) {
      return new Answer(member, Result.ACCEPTED, "HTTP " + status);
    }
    String detail = "HTTP " + status + ": " + abbreviate(response.body());
    return new Answer(member, status / 100 == 4 && status != 408 && status != 429 ? Result.REJECTED : Result.FAILED, detail);
  }

  private static String abbreviate(String body) {
    String line = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return line.length() <= 200 ? line : line.substring(0, 200) + "...";
  }
}
