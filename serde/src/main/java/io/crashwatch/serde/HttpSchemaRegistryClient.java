package io.crashwatch.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of the Confluent Schema Registry REST API (also served by Apicurio's ccompat API, Karapace and
 * Redpanda). With several URLs, requests go to the last one that answered, moving on when one is
 * unreachable. Connection failures and 5xx answers are retried with exponential backoff; 4xx are not,
 * since asking again gets the same answer.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

  static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, application/json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);

  private final List<String> baseUrls;
  private final AtomicInteger preferredUrl = new AtomicInteger();
  private final HttpClient http;
  private final Duration requestTimeout;
  private final int retries;
  private final long retryBackoffMs;
  private final String authorization;
  private final ConcurrentMap<String, ConcurrentMap<String, Integer>> idsBySubject = new ConcurrentHashMap<>();
  private final ConcurrentMap<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  public HttpSchemaRegistryClient(AvroSerdeConfig config) {
    if (config.mockScope().isPresent()) {
      throw new IllegalArgumentException("mock:// URLs need MockSchemaRegistryClient");
    }
    this.baseUrls = config.schemaRegistryUrls().stream()
        .map(u -> u.toString().replaceAll("/+$", ""))
        .toList();
    this.requestTimeout = Duration.ofMillis(config.requestTimeoutMs());
    this.retries = config.retries();
    this.retryBackoffMs = config.retryBackoffMs();
    this.authorization = config.basicAuthUserInfo()
        .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)))
        .orElse(null);
    // HTTP/1.1: plain-http registries and proxies often mishandle the HTTP/2 upgrade.
    this.http = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(requestTimeout)
        .build();
  }

  @Override
  public int register(String subject, Schema schema) {
    return cachedId(subject, schema, "/subjects/" + encode(subject) + "/versions");
  }

  @Override
  public int getId(String subject, Schema schema) {
    return cachedId(subject, schema, "/subjects/" + encode(subject));
  }

  @Override
  public Schema getById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String path = "/schemas/ids/" + id;
    Schema schema = parseSchema(send("GET", path, null), path);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  @Override
  public RegisteredSchema getLatest(String subject) {
    String path = "/subjects/" + encode(subject) + "/versions/latest";
    JsonNode answer = send("GET", path, null);
    return new RegisteredSchema(subject, requiredInt(answer, "version", path), requiredInt(answer, "id", path),
        parseSchema(answer, path));
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    String path = "/compatibility/subjects/" + encode(subject) + "/versions/latest";
    JsonNode answer = send("POST", path, schemaBody(schema));
    return required(answer, "is_compatible", path).asBoolean();
  }

  @Override
  public List<String> subjects() {
    List<String> subjects = new ArrayList<>();
    send("GET", "/subjects", null).forEach(node -> subjects.add(node.asText()));
    return subjects;
  }

  /** Register and lookup answer the same schema-to-id question, so they share one cache. */
  private int cachedId(String subject, Schema schema, String path) {
    ConcurrentMap<String, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    String key = schema.toString();
    Integer cached = ids.get(key);
    if (cached != null) {
      return cached;
    }
    int id = requiredInt(send("POST", path, schemaBody(schema)), "id", path);
    ids.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  private JsonNode send(String method, String path, String body) {
    SchemaRegistryException last = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        backOff(attempt, last);
      }
      int start = preferredUrl.get();
      for (int i = 0; i < baseUrls.size(); i++) {
        int index = (start + i) % baseUrls.size();
        String url = baseUrls.get(index) + path;
        try {
          HttpResponse<String> response = http.send(request(method, url, body), BodyHandlers.ofString());
          if (response.statusCode() < 300) {
            preferredUrl.set(index);
            return JSON.readTree(response.body());
          }
          last = errorAnswer(method, url, response);
          if (response.statusCode() < 500) {
            throw last;
          }
        } catch (IOException e) {
          last = new SchemaRegistryException(method + " " + url + " failed: " + e,
              SchemaRegistryException.NONE, SchemaRegistryException.NONE, e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SchemaRegistryException(method + " " + url + " interrupted",
              SchemaRegistryException.NONE, SchemaRegistryException.NONE, e);
        }
      }
    }
    throw new SchemaRegistryException(last.getMessage() + " (gave up after " + (retries + 1) + " attempts)",
        last.httpStatus(), last.errorCode(), last);
  }

  private HttpRequest request(String method, String url, String body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .timeout(requestTimeout)
        .header("Accept", ACCEPT)
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return request.build();
  }

  private void backOff(int attempt, SchemaRegistryException last) {
    long delayMs = retryBackoffMs << Math.min(attempt - 1, 16);
    LOG.warn("Schema registry request failed, retry {} of {} in {} ms: {}", attempt, retries, delayMs,
        last.getMessage());
    try {
      Thread.sleep(delayMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(last.getMessage() + " (interrupted while retrying)",
          last.httpStatus(), last.errorCode(), e);
    }
  }

  private static SchemaRegistryException errorAnswer(String method, String url, HttpResponse<String> response) {
    int errorCode = SchemaRegistryException.NONE;
    String message = response.body();
    try {
      JsonNode error = JSON.readTree(response.body());
      errorCode = error.path("error_code").asInt(SchemaRegistryException.NONE);
      message = error.path("message").asText(message);
    } catch (JsonProcessingException e) {
      // Not Confluent's JSON error (e.g. a proxy's HTML page): report the body as it is.
    }
    if (message.length() > 300) {
      message = message.substring(0, 300) + "...";
    }
    return new SchemaRegistryException(method + " " + url + " returned HTTP " + response.statusCode()
        + " (error code " + errorCode + "): " + message, response.statusCode(), errorCode);
  }

  private static String schemaBody(Schema schema) {
    // schemaType is left out: it defaults to AVRO, and older registries reject the field.
    try {
      return JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Schema parseSchema(JsonNode answer, String path) {
    String type = answer.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new SchemaRegistryException(path + " is a " + type + " schema, not AVRO",
          SchemaRegistryException.NONE, SchemaRegistryException.NONE);
    }
    return new Schema.Parser().parse(required(answer, "schema", path).asText());
  }

  private static int requiredInt(JsonNode answer, String field, String path) {
    return required(answer, field, path).asInt();
  }

  private static JsonNode required(JsonNode answer, String field, String path) {
    JsonNode node = answer.get(field);
    if (node == null) {
      throw new SchemaRegistryException(path + " answered without \"" + field + "\": " + answer,
          SchemaRegistryException.NONE, SchemaRegistryException.NONE);
    }
    return node;
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
