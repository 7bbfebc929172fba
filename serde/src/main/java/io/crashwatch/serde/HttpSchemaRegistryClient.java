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
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import io.crashwatch.serde.SchemaRegistryException.Kind;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of the Confluent Schema Registry REST API (also served by Apicurio's ccompat API, Karapace and
 * Redpanda). With several URLs, requests go to the last one that answered, moving on when one is
 * unreachable. Failures are classified ({@link SchemaRegistryException.Kind}): an unavailable registry
 * (no answer, timeouts, 5xx, 429) is retried with exponential backoff, then given up on retryably; a
 * refusal of the credentials (401, 403) is final and names the settings to fix; an unknown schema id is
 * asked for once more (replicas lag) and then remembered as missing for {@code missing.id.cache.ttl.sec}.
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
  private final Duration missingIdTtl;
  private final MissingSchemaIds missingIds;
  private volatile boolean reachable = true;

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
    this.missingIdTtl = Duration.ofSeconds(config.missingIdCacheTtlSec());
    this.missingIds = new MissingSchemaIds(config.missingCacheSize(), missingIdTtl, System::nanoTime);
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
    Optional<SchemaRegistryException> miss = missingIds.lookup(id);
    if (miss.isPresent()) {
      throw new SchemaRegistryException(miss.get().getMessage() + " (a miss remembered for up to "
          + missingIdTtl.toSeconds() + " s)", miss.get().httpStatus(), miss.get().errorCode(), Kind.NOT_FOUND, null);
    }
    String path = "/schemas/ids/" + id;
    JsonNode answer;
    try {
      answer = send("GET", path, null);
    } catch (SchemaRegistryException e) {
      if (e.kind() != Kind.NOT_FOUND) {
        throw e;
      }
      answer = askAgainAfterReplicationLag(id, path);
    }
    Schema schema = parseSchema(answer, path);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  /**
   * Registry replicas follow the leader with a lag, so a schema registered a moment ago may not be on
   * the one that answered: ask once more before calling the id unknown, then remember the miss. At
   * once, without a backoff: the record was produced (after its schema was registered) well before
   * the detector reads it, and a pause here would stall the partition for every forged id — a burst
   * of random ids stopped a whole scenario's halts in HostileInputIT.
   */
  private JsonNode askAgainAfterReplicationLag(int id, String path) {
    LOG.debug("Schema id {} not found; asking once more in case a registry replica lags", id);
    try {
      return send("GET", path, null);
    } catch (SchemaRegistryException e) {
      if (e.kind() == Kind.NOT_FOUND) {
        missingIds.remember(id, e);
      }
      throw e;
    }
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
  public boolean isReachable() {
    return reachable;
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

  /**
   * Sends the request, retrying with exponential backoff while the registry is unavailable (no answer,
   * a timeout, 5xx, 429); any other error answer is final, since asking again gets the same answer.
   */
  private JsonNode send(String method, String path, String body) {
    SchemaRegistryException last = null;
    for (int attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) {
        long delayMs = retryBackoffMs << Math.min(attempt - 1, 16);
        LOG.warn("Schema registry request failed, retry {} of {} in {} ms: {}", attempt, retries, delayMs,
            last.getMessage());
        pause(delayMs, last);
      }
      try {
        JsonNode answer = sendToAnyUrl(method, path, body);
        reachable = true;
        return answer;
      } catch (SchemaRegistryException e) {
        if (Thread.currentThread().isInterrupted()) {
          throw e; // we are being stopped: that says nothing about the registry
        }
        reachable = !e.isRetryable();
        if (!e.isRetryable()) {
          throw e;
        }
        last = e;
      }
    }
    throw new SchemaRegistryException("Schema registry unavailable: " + last.getMessage() + " (gave up after "
        + (retries + 1) + " attempts)", last.httpStatus(), last.errorCode(), Kind.UNAVAILABLE, last);
  }

  /** One attempt: each URL in turn, from the last one that answered, until one is available. */
  private JsonNode sendToAnyUrl(String method, String path, String body) {
    SchemaRegistryException last = null;
    int start = preferredUrl.get();
    for (int i = 0; i < baseUrls.size(); i++) {
      int index = (start + i) % baseUrls.size();
      String url = baseUrls.get(index) + path;
      HttpResponse<String> response;
      try {
        response = http.send(request(method, url, body), BodyHandlers.ofString());
      } catch (IOException e) {
        last = new SchemaRegistryException(method + " " + url + " failed: " + e,
            SchemaRegistryException.NONE, SchemaRegistryException.NONE, e);
        continue;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(method + " " + url + " interrupted",
            SchemaRegistryException.NONE, SchemaRegistryException.NONE, e);
      }
      if (response.statusCode() < 300) {
        preferredUrl.set(index);
        return json(method, url, response.statusCode(), response.body());
      }
      last = errorAnswer(method, url, response);
      if (!last.isRetryable()) {
        throw last;
      }
    }
    throw last;
  }

  private static JsonNode json(String method, String url, int status, String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      // A web page where the API was expected: a proxy's error page, or schema.registry.url points
      // elsewhere. Nothing says the record is at fault, so never a dead letter; at start the
      // registry gate tells a URL that is not a registry from one that is down.
      throw new SchemaRegistryException(method + " " + url + " answered HTTP " + status + " with something that is"
          + " not JSON: " + abbreviate(body), status, SchemaRegistryException.NONE, Kind.UNAVAILABLE, e);
    }
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

  /** Waits before asking again; interrupted, it fails as UNAVAILABLE: being stopped is no fault of a record. */
  private static void pause(long delayMs, SchemaRegistryException last) {
    try {
      Thread.sleep(delayMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(last.getMessage() + " (interrupted while retrying)",
          last.httpStatus(), last.errorCode(), Kind.UNAVAILABLE, e);
    }
  }

  private SchemaRegistryException errorAnswer(String method, String url, HttpResponse<String> response) {
    int errorCode = SchemaRegistryException.NONE;
    String message = response.body();
    try {
      JsonNode error = JSON.readTree(response.body());
      errorCode = error.path("error_code").asInt(SchemaRegistryException.NONE);
      message = error.path("message").asText(message);
    } catch (JsonProcessingException e) {
      // Not Confluent's JSON error (e.g. a proxy's HTML page): report the body as it is.
    }
    int status = response.statusCode();
    String answer = method + " " + url + " returned HTTP " + status + " (error code " + errorCode + "): "
        + abbreviate(message);
    if (Kind.of(status, SchemaRegistryException.NONE) == Kind.UNAUTHORIZED) {
      return new SchemaRegistryException(refusal(status) + answer + ". " + credentialsAdvice(), status, errorCode);
    }
    return new SchemaRegistryException(answer, status, errorCode);
  }

  private static String refusal(int status) {
    return status == 401
        ? "Schema registry refused the credentials: "
        : "Schema registry refused access with the configured credentials: ";
  }

  /** Names the settings to fix: a refusal is never the data's fault, and retrying cannot help. */
  private String credentialsAdvice() {
    String keys = AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO and "
        + AvroSerdeConfig.BASIC_AUTH_USER_INFO + "=USER:PASSWORD (or user info in "
        + AvroSerdeConfig.SCHEMA_REGISTRY_URL + ")";
    String fix = authorization == null
        ? "No credentials are configured: set " + keys
        : "Check " + keys + ": the credentials must be valid for this registry and allowed to read schemas and"
            + " register the detector's own";
    return fix + "; and check that " + AvroSerdeConfig.SCHEMA_REGISTRY_URL + " is the registry they are for.";
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
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
          SchemaRegistryException.NONE, SchemaRegistryException.NONE, Kind.REJECTED, null);
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
          SchemaRegistryException.NONE, SchemaRegistryException.NONE, Kind.REJECTED, null);
    }
    return node;
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
