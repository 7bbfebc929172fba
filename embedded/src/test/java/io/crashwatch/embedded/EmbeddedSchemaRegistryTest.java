package io.crashwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EmbeddedSchemaRegistryTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String SUBJECT = "crashwatch.heartbeats-value";

  private static final Schema V1 = SchemaBuilder.record("Heartbeat").namespace("io.crashwatch.test")
      .fields().requiredString("deviceId").endRecord();
  private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Heartbeat").namespace("io.crashwatch.test")
      .fields().requiredString("deviceId").name("osBuild").type().stringType().stringDefault("unknown").endRecord();
  private static final Schema V2_WITHOUT_DEFAULT = SchemaBuilder.record("Heartbeat").namespace("io.crashwatch.test")
      .fields().requiredString("deviceId").requiredString("fleetId").endRecord();

  private EmbeddedSchemaRegistry registry;

  @BeforeEach
  void startRegistry() {
    registry = EmbeddedSchemaRegistry.start();
  }

  @AfterEach
  void stopRegistry() {
    registry.close();
  }

  @Test
  void shouldServeARegisteredSchemaByIdSubjectAndVersion() throws Exception {
    int id = register(SUBJECT, V1);

    assertThat(get("/schemas/ids/" + id).body().get("schema").asText()).isEqualTo(V1.toString());
    assertThat(get("/subjects").body()).isEqualTo(json("[\"" + SUBJECT + "\"]"));
    assertThat(get("/subjects/" + SUBJECT + "/versions").body()).isEqualTo(json("[1]"));
    JsonNode expected = JSON.valueToTree(Map.of("subject", SUBJECT, "version", 1, "id", id, "schema", V1.toString()));
    assertThat(get("/subjects/" + SUBJECT + "/versions/1").body()).isEqualTo(expected);
    assertThat(get("/subjects/" + SUBJECT + "/versions/latest").body()).isEqualTo(expected);
    assertThat(send("POST", "/subjects/" + SUBJECT, schemaBody(V1)).body()).isEqualTo(expected);
  }

  @Test
  void shouldGiveAnIdenticalSchemaTheSameIdInEverySubject() throws Exception {
    int id = register(SUBJECT, V1);

    assertThat(register(SUBJECT, new Schema.Parser().parse(JSON.readTree(V1.toString()).toPrettyString()))).isEqualTo(id);
    assertThat(register("crashwatch.crash-reports-value", V1)).isEqualTo(id);
    assertThat(get("/subjects/" + SUBJECT + "/versions").body()).isEqualTo(json("[1]"));
    assertThat(get("/schemas/ids/" + id + "/versions").body()).isEqualTo(json(
        "[{\"subject\":\"crashwatch.crash-reports-value\",\"version\":1},{\"subject\":\"" + SUBJECT + "\",\"version\":1}]"));
  }

  @Test
  void shouldRejectANewFieldWithoutDefaultUnderBackwardCompatibility() throws Exception {
    register(SUBJECT, V1);

    Response response = send("POST", "/subjects/" + SUBJECT + "/versions", schemaBody(V2_WITHOUT_DEFAULT));

    assertError(response, 409, 409);
    assertThat(response.body().get("message").asText()).contains("incompatible", "fleetId");
  }

  @Test
  void shouldAcceptANewFieldWithDefaultUnderBackwardCompatibility() throws Exception {
    int first = register(SUBJECT, V1);

    assertThat(register(SUBJECT, V2_WITH_DEFAULT)).isNotEqualTo(first);
    assertThat(get("/subjects/" + SUBJECT + "/versions").body()).isEqualTo(json("[1,2]"));
    assertThat(get("/subjects/" + SUBJECT + "/versions/latest").body().get("version").asInt()).isEqualTo(2);
  }

  @Test
  void shouldAcceptAnyChangeOnceCompatibilityIsNone() throws Exception {
    assertThat(get("/config").body()).isEqualTo(json("{\"compatibilityLevel\":\"BACKWARD\"}"));
    register(SUBJECT, V1);

    assertThat(send("PUT", "/config", Map.of("compatibility", "NONE")).body())
        .isEqualTo(json("{\"compatibility\":\"NONE\"}"));

    assertThat(get("/config").body()).isEqualTo(json("{\"compatibilityLevel\":\"NONE\"}"));
    assertThat(send("POST", "/subjects/" + SUBJECT + "/versions", schemaBody(V2_WITHOUT_DEFAULT)).status())
        .isEqualTo(200);
  }

  @Test
  void shouldApplyASubjectsOwnCompatibilityLevel() throws Exception {
    register(SUBJECT, V1);
    assertError(get("/config/" + SUBJECT), 404, 40408);
    assertThat(get("/config/" + SUBJECT + "?defaultToGlobal=true").body())
        .isEqualTo(json("{\"compatibilityLevel\":\"BACKWARD\"}"));

    send("PUT", "/config/" + SUBJECT, Map.of("compatibility", "none"));

    assertThat(get("/config/" + SUBJECT).body()).isEqualTo(json("{\"compatibilityLevel\":\"NONE\"}"));
    assertThat(get("/config").body()).isEqualTo(json("{\"compatibilityLevel\":\"BACKWARD\"}"));
    assertThat(send("POST", "/subjects/" + SUBJECT + "/versions", schemaBody(V2_WITHOUT_DEFAULT)).status())
        .isEqualTo(200);
  }

  @Test
  void shouldRejectAnUnknownCompatibilityLevel() throws Exception {
    assertError(send("PUT", "/config", Map.of("compatibility", "SIDEWAYS")), 422, 42203);
  }

  @Test
  void shouldRejectAnUnparseableSchema() throws Exception {
    assertError(send("POST", "/subjects/" + SUBJECT + "/versions", Map.of("schema", "{\"type\":\"record\"")), 422, 42201);
    assertError(send("POST", "/subjects/" + SUBJECT + "/versions", Map.of("schema", "{\"type\":\"nope\"}")), 422, 42201);
  }

  @Test
  void shouldRejectSchemaTypesOtherThanAvro() throws Exception {
    assertError(send("POST", "/subjects/" + SUBJECT + "/versions",
        Map.of("schema", "{\"type\":\"object\"}", "schemaType", "JSON")), 422, 42201);
  }

  @Test
  void shouldAnswerNotFoundForAnUnknownSchemaId() throws Exception {
    assertError(get("/schemas/ids/42"), 404, 40403);
  }

  @Test
  void shouldAnswerNotFoundForAnUnknownSubject() throws Exception {
    assertError(get("/subjects/nope/versions"), 404, 40401);
    assertError(get("/subjects/nope/versions/latest"), 404, 40401);
    assertError(send("POST", "/subjects/nope", schemaBody(V1)), 404, 40401);
    assertError(send("POST", "/compatibility/subjects/nope/versions/latest", schemaBody(V1)), 404, 40401);
  }

  @Test
  void shouldAnswerNotFoundForAnUnknownVersionOrSchemaOfASubject() throws Exception {
    register(SUBJECT, V1);

    assertError(get("/subjects/" + SUBJECT + "/versions/7"), 404, 40402);
    assertError(get("/subjects/" + SUBJECT + "/versions/first"), 422, 42202);
    assertError(send("POST", "/subjects/" + SUBJECT, schemaBody(V2_WITH_DEFAULT)), 404, 40403);
  }

  @Test
  void shouldTellWhetherASchemaIsCompatible() throws Exception {
    register(SUBJECT, V1);
    String path = "/compatibility/subjects/" + SUBJECT + "/versions/";

    assertThat(send("POST", path + "latest", schemaBody(V2_WITH_DEFAULT)).body())
        .isEqualTo(json("{\"is_compatible\":true}"));
    assertThat(send("POST", path + "1", schemaBody(V2_WITHOUT_DEFAULT)).body())
        .isEqualTo(json("{\"is_compatible\":false}"));
    assertThat(send("POST", path + "latest?verbose=true", schemaBody(V2_WITHOUT_DEFAULT)).body().get("messages"))
        .isNotEmpty();
  }

  @Test
  void shouldDecodeSubjectsInThePath() throws Exception {
    String subject = "fleet a/b+c";
    int id = register(URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20"), V1);

    assertThat(get("/subjects").body()).isEqualTo(json("[\"" + subject + "\"]"));
    assertThat(get("/subjects/fleet%20a%2Fb+c/versions/1").body().get("id").asInt()).isEqualTo(id);
  }

  @Test
  void shouldDeleteASubjectButKeepItsSchemaIds() throws Exception {
    int id = register(SUBJECT, V1);
    register(SUBJECT, V2_WITH_DEFAULT);

    assertThat(send("DELETE", "/subjects/" + SUBJECT, null).body()).isEqualTo(json("[1,2]"));

    assertError(get("/subjects/" + SUBJECT + "/versions"), 404, 40401);
    assertThat(get("/schemas/ids/" + id).status()).isEqualTo(200);
  }

  @Test
  void shouldSpeakTheRegistryMediaType() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "text/plain").build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(415);
    assertThat(response.headers().firstValue("Content-Type")).contains(CONTENT_TYPE);
  }

  private record Response(int status, JsonNode body) {}

  private int register(String subject, Schema schema) throws Exception {
    Response response = send("POST", "/subjects/" + subject + "/versions", schemaBody(schema));
    assertThat(response.status()).as("register: %s", response.body()).isEqualTo(200);
    return response.body().get("id").asInt();
  }

  private Response get(String path) throws Exception {
    return send("GET", path, null);
  }

  private Response send(String method, String path, Object body) throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher = body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    HttpRequest request = HttpRequest.newBuilder(URI.create(registry.url() + path))
        .method(method, publisher)
        .header("Content-Type", CONTENT_TYPE)
        .header("Accept", CONTENT_TYPE)
        .build();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return new Response(response.statusCode(), JSON.readTree(response.body()));
  }

  private static Map<String, String> schemaBody(Schema schema) {
    return Map.of("schema", schema.toString());
  }

  private static JsonNode json(String text) throws IOException {
    return JSON.readTree(text);
  }

  private static void assertError(Response response, int status, int errorCode) {
    assertThat(response.status()).as("status of %s", response.body()).isEqualTo(status);
    assertThat(response.body().get("error_code").asInt()).isEqualTo(errorCode);
    assertThat(response.body().get("message").asText()).isNotBlank();
  }
}
