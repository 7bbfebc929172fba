package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.PROBE;
import static io.crashwatch.serde.Fixtures.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client against a scripted registry on a real socket: requests sent, answers and errors read. */
class HttpSchemaRegistryClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SUBJECT = TOPIC + "-value";
  private static final String ALICE = "Basic YWxpY2U6czNjcmV0"; // base64("alice:s3cret")

  private final ScriptedRegistryServer registry;

  HttpSchemaRegistryClientTest() throws IOException {
    registry = ScriptedRegistryServer.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldRegisterWithConfluentRequestAndCacheTheId() throws IOException {
    registry.on("POST", "/subjects/" + SUBJECT + "/versions", 200, "{\"id\":7}");
    SchemaRegistryClient client = client(registry.url());

    assertThat(client.register(SUBJECT, PROBE)).isEqualTo(7);
    assertThat(client.register(SUBJECT, PROBE)).isEqualTo(7);
    assertThat(client.getById(7)).isEqualTo(PROBE);

    assertThat(registry.requests()).hasSize(1);
    ScriptedRegistryServer.Request request = registry.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/subjects/crashwatch.heartbeats-value/versions");
    assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(request.accept()).startsWith("application/vnd.schemaregistry.v1+json");
    assertThat(request.authorization()).isNull();
    JsonNode body = JSON.readTree(request.body());
    assertThat(body.fieldNames()).toIterable().containsExactly("schema");
    assertThat(body.get("schema").asText()).isEqualTo(PROBE.toString());
  }

  @Test
  void shouldMakeNoRequestWhenSerializingTheSameSchemaAgain() {
    registry.on("POST", "/subjects/" + SUBJECT + "/versions", 200, "{\"id\":7}");
    AvroSerializer<GenericRecord> serializer = new AvroSerializer<>();
    serializer.configure(config(registry.url()), false);

    byte[] first = serializer.serialize(TOPIC, Fixtures.probe("a", 1, 1, true, null));
    byte[] second = serializer.serialize(TOPIC, Fixtures.probe("b", 2, 2, false, "x"));

    assertThat(registry.requests()).hasSize(1);
    assertThat(Fixtures.hex(first)).startsWith("0000000007");
    assertThat(Fixtures.hex(second)).startsWith("0000000007");
  }

  @Test
  void shouldFetchSchemaByIdOnce() {
    registry.on("GET", "/schemas/ids/7", 200, schemaAnswer());
    SchemaRegistryClient client = client(registry.url());

    assertThat(client.getById(7)).isEqualTo(PROBE);
    assertThat(client.getById(7)).isEqualTo(PROBE);

    assertThat(registry.requests()).singleElement().satisfies(r -> {
      assertThat(r.method()).isEqualTo("GET");
      assertThat(r.path()).isEqualTo("/schemas/ids/7");
    });
  }

  @Test
  void shouldLookUpIdWithoutRegistering() {
    registry.on("POST", "/subjects/" + SUBJECT, 200,
        "{\"subject\":\"" + SUBJECT + "\",\"version\":2,\"id\":9,\"schema\":" + quoted(PROBE.toString()) + "}");

    assertThat(client(registry.url()).getId(SUBJECT, PROBE)).isEqualTo(9);

    assertThat(registry.requests()).singleElement().satisfies(r -> {
      assertThat(r.path()).isEqualTo("/subjects/crashwatch.heartbeats-value");
      assertThat(JSON.readTree(r.body()).get("schema").asText()).isEqualTo(PROBE.toString());
    });
  }

  @Test
  void shouldReadLatestVersionCompatibilityAndSubjects() {
    registry.on("GET", "/subjects/" + SUBJECT + "/versions/latest", 200,
            "{\"subject\":\"" + SUBJECT + "\",\"version\":3,\"id\":11,\"schema\":" + quoted(PROBE.toString()) + "}")
        .on("POST", "/compatibility/subjects/" + SUBJECT + "/versions/latest", 200, "{\"is_compatible\":false}")
        .on("GET", "/subjects", 200, "[\"a-value\",\"b-key\"]");
    SchemaRegistryClient client = client(registry.url());

    assertThat(client.getLatest(SUBJECT)).isEqualTo(new RegisteredSchema(SUBJECT, 3, 11, PROBE));
    assertThat(client.isCompatible(SUBJECT, PROBE)).isFalse();
    assertThat(client.subjects()).containsExactly("a-value", "b-key");
  }

  @Test
  void shouldSurfaceConfluentErrorWithoutRetrying() {
    registry.on("POST", "/subjects/" + SUBJECT, 404, "{\"error_code\":40401,\"message\":\"Subject not found.\"}");

    assertThatThrownBy(() -> client(registry.url()).getId(SUBJECT, PROBE))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.errorCode()).isEqualTo(40401);
          assertThat(e.httpStatus()).isEqualTo(404);
        })
        .hasMessage("POST " + registry.url() + "/subjects/crashwatch.heartbeats-value returned HTTP 404"
            + " (error code 40401): Subject not found.");
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void shouldRetryServerErrorThenSucceed() {
    registry.on("GET", "/schemas/ids/7", 500, "{\"error_code\":50001,\"message\":\"Error in the backend\"}")
        .on("GET", "/schemas/ids/7", 200, schemaAnswer());

    assertThat(client(registry.url()).getById(7)).isEqualTo(PROBE);
    assertThat(registry.requests()).hasSize(2);
  }

  @Test
  void shouldGiveUpAfterConfiguredRetries() {
    registry.on("GET", "/schemas/ids/7", 503, "<html>Service Unavailable</html>");

    assertThatThrownBy(() -> client(registry.url()).getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(503);
          assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.NONE);
        })
        .hasMessageContaining("<html>Service Unavailable</html>")
        .hasMessageEndingWith("(gave up after 3 attempts)");
    assertThat(registry.requests()).hasSize(3);
  }

  @Test
  void shouldReportUnreachableRegistryWithItsUrl() throws IOException {
    String down = "http://127.0.0.1:" + ScriptedRegistryServer.closedPort();

    assertThatThrownBy(() -> client(down).getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class,
            e -> assertThat(e.httpStatus()).isEqualTo(SchemaRegistryException.NONE))
        .hasMessageStartingWith("Schema registry unavailable: GET " + down + "/schemas/ids/7 failed: java.net.ConnectException")
        .hasMessageEndingWith("(gave up after 3 attempts)");
  }

  @Test
  void shouldUseNextUrlWhenFirstIsUnreachable() throws IOException {
    registry.on("GET", "/schemas/ids/7", 200, schemaAnswer());
    String urls = "http://127.0.0.1:" + ScriptedRegistryServer.closedPort() + "," + registry.url();

    assertThat(client(urls).getById(7)).isEqualTo(PROBE);
  }

  @Test
  void shouldKeepPathPrefixOfBaseUrl() {
    // Apicurio serves the Confluent API under a prefix.
    registry.on("GET", "/apis/ccompat/v7/schemas/ids/7", 200, schemaAnswer());

    assertThat(client(registry.url() + "/apis/ccompat/v7/").getById(7)).isEqualTo(PROBE);
  }

  @Test
  void shouldFailWith401WithoutCredentials() {
    registry.requireAuthorization(ALICE).on("GET", "/schemas/ids/7", 200, schemaAnswer());

    assertThatThrownBy(() -> client(registry.url()).getById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401))
        .hasMessageContaining("HTTP 401");
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void shouldSendBasicAuthFromUserInfoSetting() {
    registry.requireAuthorization(ALICE).on("GET", "/schemas/ids/7", 200, schemaAnswer());
    Map<String, Object> config = config(registry.url());
    config.put(AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO");
    config.put(AvroSerdeConfig.BASIC_AUTH_USER_INFO, "alice:s3cret");

    assertThat(new HttpSchemaRegistryClient(AvroSerdeConfig.of(config)).getById(7)).isEqualTo(PROBE);
    assertThat(registry.requests()).singleElement()
        .satisfies(r -> assertThat(r.authorization()).isEqualTo(ALICE));
  }

  @Test
  void shouldSendBasicAuthFromUrlUserInfo() {
    registry.requireAuthorization(ALICE).on("GET", "/schemas/ids/7", 200, schemaAnswer());
    String url = registry.url().replace("http://", "http://alice:s3cret@");

    assertThat(client(url).getById(7)).isEqualTo(PROBE);
    assertThat(registry.requests()).singleElement()
        .satisfies(r -> assertThat(r.authorization()).isEqualTo(ALICE));
  }

  private static SchemaRegistryClient client(String urls) {
    return new HttpSchemaRegistryClient(AvroSerdeConfig.of(config(urls)));
  }

  private static Map<String, Object> config(String urls) {
    Map<String, Object> config = new HashMap<>();
    config.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL, urls);
    config.put(AvroSerdeConfig.RETRIES, 2);
    config.put(AvroSerdeConfig.RETRY_BACKOFF_MS, 1);
    return config;
  }

  private static String schemaAnswer() {
    return "{\"schema\":" + quoted(PROBE.toString()) + "}";
  }

  private static String quoted(String text) {
    return JsonNodeFactory.instance.textNode(text).toString();
  }
}
