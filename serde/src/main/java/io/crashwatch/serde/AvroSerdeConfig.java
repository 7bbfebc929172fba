package io.crashwatch.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Validated settings of the Avro serdes, read from the map Kafka passes to {@code configure}.
 * Keys are Confluent's, so existing client configurations work unchanged. Values may be Strings or
 * typed (Boolean, Integer, ...), as Kafka configs allow.
 */
public final class AvroSerdeConfig {

  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  public static final String USE_LATEST_VERSION = "use.latest.version";
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  public static final String RETRIES = "schema.registry.retries";
  public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
  /** Confluent's key; the default here is 300 s (Confluent's is 0, asking again for every record). */
  public static final String MISSING_ID_CACHE_TTL_SEC = "missing.id.cache.ttl.sec";
  public static final String MISSING_CACHE_SIZE = "missing.cache.size";

  /** Where the Basic auth user info comes from. */
  public enum CredentialsSource {
    URL,
    USER_INFO
  }

  private static final String MOCK_SCHEME = "mock";

  private final List<URI> schemaRegistryUrls;
  private final String mockScope;
  private final boolean autoRegisterSchemas;
  private final boolean useLatestVersion;
  private final boolean specificAvroReader;
  private final CredentialsSource credentialsSource;
  private final String userInfo;
  private final int requestTimeoutMs;
  private final int retries;
  private final int retryBackoffMs;
  private final int missingIdCacheTtlSec;
  private final int missingCacheSize;

  private AvroSerdeConfig(Map<String, ?> props) {
    Object rawUrls = props.get(SCHEMA_REGISTRY_URL);
    if (rawUrls == null || rawUrls.toString().isBlank()) {
      throw new ConfigException(
          "Missing required configuration \"" + SCHEMA_REGISTRY_URL + "\" which has no default value.");
    }
    List<URI> urls = parseUrls(rawUrls.toString());
    this.mockScope = MOCK_SCHEME.equals(urls.get(0).getScheme()) ? urls.get(0).getAuthority() : null;
    this.autoRegisterSchemas = bool(props, AUTO_REGISTER_SCHEMAS, true);
    this.useLatestVersion = bool(props, USE_LATEST_VERSION, false);
    this.specificAvroReader = bool(props, SPECIFIC_AVRO_READER, false);
    this.credentialsSource = credentialsSource(props);
    this.userInfo = userInfo(props, credentialsSource, urls);
    this.schemaRegistryUrls = urls.stream().map(AvroSerdeConfig::withoutUserInfo).toList();
    this.requestTimeoutMs = integer(props, REQUEST_TIMEOUT_MS, 10_000, 1);
    this.retries = integer(props, RETRIES, 3, 0);
    this.retryBackoffMs = integer(props, RETRY_BACKOFF_MS, 200, 0);
    this.missingIdCacheTtlSec = integer(props, MISSING_ID_CACHE_TTL_SEC, 300, 0);
    this.missingCacheSize = integer(props, MISSING_CACHE_SIZE, 10_000, 0);
  }

  /** Parses and validates; throws {@link ConfigException} naming the offending key and value. */
  public static AvroSerdeConfig of(Map<String, ?> props) {
    return new AvroSerdeConfig(Objects.requireNonNull(props, "props"));
  }

  /** Registry base URLs in order of preference, without user info (see {@link #basicAuthUserInfo()}). */
  public List<URI> schemaRegistryUrls() {
    return schemaRegistryUrls;
  }

  /** The scope of {@code mock://scope}, when the in-memory registry is configured. */
  public Optional<String> mockScope() {
    return Optional.ofNullable(mockScope);
  }

  public boolean autoRegisterSchemas() {
    return autoRegisterSchemas;
  }

  public boolean useLatestVersion() {
    return useLatestVersion;
  }

  public boolean specificAvroReader() {
    return specificAvroReader;
  }

  public CredentialsSource basicAuthCredentialsSource() {
    return credentialsSource;
  }

  /** {@code user:password} for Basic auth, resolved from the configured source. */
  public Optional<String> basicAuthUserInfo() {
    return Optional.ofNullable(userInfo);
  }

  public int requestTimeoutMs() {
    return requestTimeoutMs;
  }

  public int retries() {
    return retries;
  }

  public int retryBackoffMs() {
    return retryBackoffMs;
  }

  /** How long a schema id the registry does not have is taken as missing without asking again; 0: never. */
  public int missingIdCacheTtlSec() {
    return missingIdCacheTtlSec;
  }

  /** How many missing schema ids are remembered at most. */
  public int missingCacheSize() {
    return missingCacheSize;
  }

  private static List<URI> parseUrls(String value) {
    List<URI> urls = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        urls.add(parseUrl(part.trim()));
      }
    }
    if (urls.isEmpty()) {
      throw invalid(SCHEMA_REGISTRY_URL, value, "no URL");
    }
    if (urls.size() > 1 && urls.stream().anyMatch(u -> MOCK_SCHEME.equals(u.getScheme()))) {
      throw invalid(SCHEMA_REGISTRY_URL, redact(value), "mock:// must be the only URL");
    }
    return urls;
  }

  private static URI parseUrl(String text) {
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(SCHEMA_REGISTRY_URL, redact(text), e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "http", "https" -> {
        if (uri.getHost() == null) {
          throw invalid(SCHEMA_REGISTRY_URL, redact(text), "no host");
        }
      }
      case MOCK_SCHEME -> {
        if (uri.getAuthority() == null) {
          throw invalid(SCHEMA_REGISTRY_URL, text, "expected mock://scope");
        }
      }
      default -> throw invalid(SCHEMA_REGISTRY_URL, redact(text), "scheme must be http, https or mock");
    }
    return uri;
  }

  private static CredentialsSource credentialsSource(Map<String, ?> props) {
    Object value = props.get(BASIC_AUTH_CREDENTIALS_SOURCE);
    if (value == null) {
      return CredentialsSource.URL;
    }
    try {
      return CredentialsSource.valueOf(value.toString().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw invalid(BASIC_AUTH_CREDENTIALS_SOURCE, value, "expected URL or USER_INFO");
    }
  }

  private static String userInfo(Map<String, ?> props, CredentialsSource source, List<URI> urls) {
    if (source == CredentialsSource.URL) {
      // Confluent takes the user info of the URLs; they all point to one registry, so the first wins.
      return urls.stream().map(URI::getUserInfo).filter(Objects::nonNull).findFirst().orElse(null);
    }
    Object value = props.get(BASIC_AUTH_USER_INFO);
    String text = value instanceof Password p ? p.value() : value == null ? null : value.toString();
    if (text == null || text.isBlank()) {
      throw new ConfigException("Missing configuration \"" + BASIC_AUTH_USER_INFO + "\", required when \""
          + BASIC_AUTH_CREDENTIALS_SOURCE + "\" is USER_INFO.");
    }
    if (!text.contains(":")) {
      throw invalid(BASIC_AUTH_USER_INFO, "[hidden]", "expected user:password");
    }
    return text;
  }

  private static boolean bool(Map<String, ?> props, String key, boolean defaultValue) {
    Object value = props.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim();
    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(text);
    }
    throw invalid(key, value, "expected true or false");
  }

  private static int integer(Map<String, ?> props, String key, int defaultValue, int min) {
    Object value = props.get(key);
    if (value == null) {
      return defaultValue;
    }
    long parsed;
    if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      parsed = ((Number) value).longValue();
    } else {
      try {
        parsed = Long.parseLong(value.toString().trim());
      } catch (NumberFormatException e) {
        throw invalid(key, value, "expected an integer");
      }
    }
    if (parsed < min || parsed > Integer.MAX_VALUE) {
      throw invalid(key, value, "expected an integer of at least " + min);
    }
    return (int) parsed;
  }

  private static URI withoutUserInfo(URI uri) {
    if (uri.getUserInfo() == null) {
      return uri;
    }
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(),
          uri.getFragment());
    } catch (URISyntaxException e) {
      throw invalid(SCHEMA_REGISTRY_URL, redact(uri.toString()), e.getMessage());
    }
  }

  /** Keeps passwords embedded in URLs out of exception messages and logs. */
  private static String redact(String url) {
    return url.replaceAll("//([^/:@]*):[^/@]*@", "//$1:***@");
  }

  private static ConfigException invalid(String key, Object value, String why) {
    return new ConfigException(key, value, why);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AvroSerdeConfig c
        && schemaRegistryUrls.equals(c.schemaRegistryUrls)
        && autoRegisterSchemas == c.autoRegisterSchemas
        && useLatestVersion == c.useLatestVersion
        && specificAvroReader == c.specificAvroReader
        && credentialsSource == c.credentialsSource
        && Objects.equals(userInfo, c.userInfo)
        && requestTimeoutMs == c.requestTimeoutMs
        && retries == c.retries
        && retryBackoffMs == c.retryBackoffMs
        && missingIdCacheTtlSec == c.missingIdCacheTtlSec
        && missingCacheSize == c.missingCacheSize;
  }

  @Override
  public int hashCode() {
    return Objects.hash(schemaRegistryUrls, autoRegisterSchemas, useLatestVersion, specificAvroReader,
        credentialsSource, userInfo, requestTimeoutMs, retries, retryBackoffMs, missingIdCacheTtlSec, missingCacheSize);
  }
}
