package io.crashwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fault-injection seam tests use to make the registry fail the way real ones do. */
class EmbeddedSchemaRegistryFaultsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldFailTheNextRequestsWithTheStatusThenServeAgain() throws Exception {
    registry.failNext(503, 2);

    assertThat(status("/subjects")).isEqualTo(503);
    assertThat(status("/subjects")).isEqualTo(503);
    assertThat(status("/subjects")).isEqualTo(200);
  }

  @Test
  void shouldFailEveryRequestUntilHealed() throws Exception {
    registry.failAll(401);

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> response = get("/subjects");
      assertThat(response.statusCode()).isEqualTo(401);
      JsonNode body = JSON.readTree(response.body());
      assertThat(body.get("error_code").asInt()).isEqualTo(401);
      assertThat(body.get("message").asText()).contains("Unauthorized");
    }

    registry.heal();
    assertThat(status("/subjects")).isEqualTo(200);
  }

  @Test
  void shouldAnswerTooLateForAClientThatTimesOut() throws Exception {
    registry.delayAll(Duration.ofSeconds(2));

    assertThatThrownBy(() -> HTTP.send(request("/subjects").timeout(Duration.ofMillis(100)).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(HttpTimeoutException.class);

    registry.heal();
    assertThat(status("/subjects")).isEqualTo(200);
  }

  @Test
  void shouldCountTheRequestsForAPath() throws Exception {
    get("/schemas/ids/42");
    get("/schemas/ids/42");
    get("/schemas/ids/43");

    assertThat(registry.requestCount("/schemas/ids/42")).isEqualTo(2);
    assertThat(registry.requestCount("/schemas/ids/44")).isZero();
  }

  private int status(String path) throws Exception {
    return get(path).statusCode();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(registry.url() + path));
  }
}
