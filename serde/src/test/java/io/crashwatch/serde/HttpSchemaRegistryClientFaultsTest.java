package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.PROBE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.crashwatch.serde.SchemaRegistryException.Kind;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * How the client tells the registry's faults apart, against a scripted registry: unavailable (retry,
 * then give up retryably), refusing the credentials (stop at once, naming the settings), an unknown
 * schema id (ask once more, then remember the miss) and a rejected request.
 */
class HttpSchemaRegistryClientFaultsTest {

  private static final String IDS_7 = "/schemas/ids/7";
  private static final String SCHEMA_NOT_FOUND = "{\"error_code\":40403,\"message\":\"Schema 7 not found\"}";

  private final ScriptedRegistryServer registry;

  HttpSchemaRegistryClientFaultsTest() throws IOException {
    registry = ScriptedRegistryServer.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504, 429})
  void shouldRetryAnUnavailableRegistryThenSucceed(int status) {
    registry.on("GET", IDS_7, status, "{\"error_code\":" + status + ",\"message\":\"busy\"}")
        .on("GET", IDS_7, 200, schemaAnswer());

    assertThat(client(config()).getById(7)).isEqualTo(PROBE);
    assertThat(registry.requests()).hasSize(2);
  }

  @Test
  void shouldGiveUpOnAnUnavailableRegistryWithARetryableError() {
    registry.on("GET", IDS_7, 429, "{\"error_code\":42901,\"message\":\"Too many requests\"}");

    assertThatThrownBy(() -> client(config()).getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
          assertThat(e.isRetryable()).isTrue();
          assertThat(e.isAuthFailure()).isFalse();
        })
        .hasMessageStartingWith("Schema registry unavailable: GET " + registry.url() + IDS_7 + " returned HTTP 429")
        .hasMessageEndingWith("(gave up after 3 attempts)");
    assertThat(registry.requests()).hasSize(3);
  }

  @Test
  void shouldRetryARequestThatTimesOut() {
    registry.slow("GET", IDS_7, Duration.ofSeconds(5), 200, schemaAnswer())
        .on("GET", IDS_7, 200, schemaAnswer());
    Map<String, Object> config = config();
    config.put(AvroSerdeConfig.REQUEST_TIMEOUT_MS, 200);

    assertThat(client(config).getById(7)).isEqualTo(PROBE);
    assertThat(registry.requests()).hasSize(2);
  }

  @Test
  void shouldCallARegistryThatTimesOutEveryTimeUnavailable() {
    registry.slow("GET", IDS_7, Duration.ofSeconds(5), 200, schemaAnswer());
    Map<String, Object> config = config();
    config.put(AvroSerdeConfig.REQUEST_TIMEOUT_MS, 100);

    assertThatThrownBy(() -> client(config).getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
        .hasMessageContaining("HttpTimeoutException");
  }

  @Test
  void shouldCallARegistryNobodyListensOnUnavailable() throws IOException {
    String down = "http://127.0.0.1:" + ScriptedRegistryServer.closedPort();
    Map<String, Object> config = config();
    config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, down);

    assertThatThrownBy(() -> client(config).getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isRetryable()).isTrue())
        .hasMessageStartingWith("Schema registry unavailable: GET " + down + IDS_7 + " failed: java.net.ConnectException");
  }

  @ParameterizedTest
  @ValueSource(ints = {401, 403})
  void shouldStopAtOnceWhenTheRegistryRefusesTheCredentials(int status) {
    registry.on("GET", IDS_7, status, "{\"error_code\":" + status + ",\"message\":\"no\"}");

    assertThatThrownBy(() -> client(config()).getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
          assertThat(e.isAuthFailure()).isTrue();
          assertThat(e.isRetryable()).isFalse();
        })
        .hasMessageContaining("refused")
        .hasMessageContaining("HTTP " + status)
        .hasMessageContaining(AvroSerdeConfig.BASIC_AUTH_USER_INFO)
        .hasMessageContaining(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE)
        .hasMessageContaining(AvroSerdeConfig.SCHEMA_REGISTRY_URL);
    assertThat(registry.requests()).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 409, 415, 422})
  void shouldNotRetryARequestTheRegistryRejects(int status) {
    String subject = Fixtures.TOPIC + "-value";
    registry.on("POST", "/subjects/" + subject + "/versions", status, "{\"error_code\":" + status + ",\"message\":\"no\"}");

    assertThatThrownBy(() -> client(config()).register(subject, PROBE))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.REJECTED);
          assertThat(e.isRetryable()).isFalse();
        });
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void shouldAskOnceMoreForAnUnknownSchemaIdInCaseAReplicaLagsBehind() {
    registry.on("GET", IDS_7, 404, SCHEMA_NOT_FOUND).on("GET", IDS_7, 200, schemaAnswer());

    assertThat(client(config()).getById(7)).isEqualTo(PROBE);
    assertThat(registry.requests()).hasSize(2);
  }

  @Test
  void shouldRememberAMissingSchemaIdSoRepeatsCostNoRequest() {
    registry.on("GET", IDS_7, 404, SCHEMA_NOT_FOUND);
    SchemaRegistryClient client = client(config());

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> client.getById(7))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
            assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND);
          })
          .hasMessageContaining("Schema 7 not found");
    }
    assertThat(registry.requests()).as("one lookup and its one repeat").hasSize(2);
  }

  @Test
  void shouldAskEveryTimeWhenMissesAreNotRemembered() {
    registry.on("GET", IDS_7, 404, SCHEMA_NOT_FOUND);
    Map<String, Object> config = config();
    config.put(AvroSerdeConfig.MISSING_ID_CACHE_TTL_SEC, 0);
    SchemaRegistryClient client = client(config);

    assertThatThrownBy(() -> client.getById(7)).isInstanceOf(SchemaRegistryException.class);
    assertThatThrownBy(() -> client.getById(7)).isInstanceOf(SchemaRegistryException.class);

    assertThat(registry.requests()).hasSize(4);
  }

  @Test
  void shouldCallAPlain404ForASchemaIdUnavailableNotUnknown() {
    // An ingress's default backend while the registry restarts: every good record would be dead-lettered.
    registry.on("GET", IDS_7, 404, "<html>Not Found</html>");
    SchemaRegistryClient client = client(config());

    assertThatThrownBy(() -> client.getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    assertThat(client.isReachable()).isFalse();
  }

  @Test
  void shouldCallAWebPageWhereJsonWasExpectedUnavailable() {
    // A proxy's error or login page answered with 200.
    registry.on("GET", IDS_7, 200, "<html>Please sign in</html>");

    assertThatThrownBy(() -> client(config()).getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE);
          assertThat(e.httpStatus()).isEqualTo(200);
        });
  }

  @Test
  void shouldKnowTheRegistryIsUnreachableUntilItAnswersAgain() {
    registry.on("GET", IDS_7, 503, "{}").on("GET", "/schemas/ids/8", 404, SCHEMA_NOT_FOUND);
    SchemaRegistryClient client = client(config());
    assertThat(client.isReachable()).isTrue();

    assertThatThrownBy(() -> client.getById(7)).isInstanceOf(SchemaRegistryException.class);
    assertThat(client.isReachable()).isFalse();

    assertThatThrownBy(() -> client.getById(8)).isInstanceOf(SchemaRegistryException.class);
    assertThat(client.isReachable()).as("a 404 is an answer").isTrue();
  }

  private static SchemaRegistryClient client(Map<String, Object> config) {
    return new HttpSchemaRegistryClient(AvroSerdeConfig.of(config));
  }

  private Map<String, Object> config() {
    Map<String, Object> config = new HashMap<>();
    config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, registry.url());
    config.put(AvroSerdeConfig.RETRIES, 2);
    config.put(AvroSerdeConfig.RETRY_BACKOFF_MS, 1);
    return config;
  }

  private static String schemaAnswer() {
    return "{\"schema\":" + JsonNodeFactory.instance.textNode(PROBE.toString()) + "}";
  }
}
