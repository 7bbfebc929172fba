package io.crashwatch.serde;

import static io.crashwatch.serde.AvroSerdeConfig.AUTO_REGISTER_SCHEMAS;
import static io.crashwatch.serde.AvroSerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE;
import static io.crashwatch.serde.AvroSerdeConfig.BASIC_AUTH_USER_INFO;
import static io.crashwatch.serde.AvroSerdeConfig.MISSING_CACHE_SIZE;
import static io.crashwatch.serde.AvroSerdeConfig.MISSING_ID_CACHE_TTL_SEC;
import static io.crashwatch.serde.AvroSerdeConfig.REQUEST_TIMEOUT_MS;
import static io.crashwatch.serde.AvroSerdeConfig.RETRIES;
import static io.crashwatch.serde.AvroSerdeConfig.RETRY_BACKOFF_MS;
import static io.crashwatch.serde.AvroSerdeConfig.SCHEMA_REGISTRY_URL;
import static io.crashwatch.serde.AvroSerdeConfig.SPECIFIC_AVRO_READER;
import static io.crashwatch.serde.AvroSerdeConfig.USE_LATEST_VERSION;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.serde.AvroSerdeConfig.CredentialsSource;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AvroSerdeConfigTest {

  private static final String URL = "http://registry:8081";

  @Test
  void shouldApplyDefaults() {
    AvroSerdeConfig config = AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, URL));

    assertThat(config.schemaRegistryUrls()).containsExactly(URI.create(URL));
    assertThat(config.mockScope()).isEmpty();
    assertThat(config.autoRegisterSchemas()).isTrue();
    assertThat(config.useLatestVersion()).isFalse();
    assertThat(config.specificAvroReader()).isFalse();
    assertThat(config.basicAuthCredentialsSource()).isEqualTo(CredentialsSource.URL);
    assertThat(config.basicAuthUserInfo()).isEmpty();
    assertThat(config.requestTimeoutMs()).isEqualTo(10_000);
    assertThat(config.retries()).isEqualTo(3);
    assertThat(config.retryBackoffMs()).isEqualTo(200);
    assertThat(config.missingIdCacheTtlSec()).isEqualTo(300);
    assertThat(config.missingCacheSize()).isEqualTo(10_000);
  }

  @Test
  void shouldAcceptStringsAndTypedValuesAlike() {
    Map<String, Object> strings = Map.of(SCHEMA_REGISTRY_URL, URL, AUTO_REGISTER_SCHEMAS, "FALSE",
        USE_LATEST_VERSION, " true ", SPECIFIC_AVRO_READER, "true", REQUEST_TIMEOUT_MS, "500", RETRIES, "0",
        RETRY_BACKOFF_MS, "50", MISSING_ID_CACHE_TTL_SEC, "0", MISSING_CACHE_SIZE, "10");
    Map<String, Object> typed = Map.of(SCHEMA_REGISTRY_URL, URL, AUTO_REGISTER_SCHEMAS, false,
        USE_LATEST_VERSION, true, SPECIFIC_AVRO_READER, true, REQUEST_TIMEOUT_MS, 500, RETRIES, 0L,
        RETRY_BACKOFF_MS, (short) 50, MISSING_ID_CACHE_TTL_SEC, 0, MISSING_CACHE_SIZE, 10);

    AvroSerdeConfig config = AvroSerdeConfig.of(strings);

    assertThat(config).isEqualTo(AvroSerdeConfig.of(typed));
    assertThat(config.autoRegisterSchemas()).isFalse();
    assertThat(config.useLatestVersion()).isTrue();
    assertThat(config.specificAvroReader()).isTrue();
    assertThat(config.requestTimeoutMs()).isEqualTo(500);
    assertThat(config.retries()).isZero();
    assertThat(config.retryBackoffMs()).isEqualTo(50);
    assertThat(config.missingIdCacheTtlSec()).isZero();
    assertThat(config.missingCacheSize()).isEqualTo(10);
  }

  @Test
  void shouldListUrlsInOrderAndTakeUserInfoFromThem() {
    AvroSerdeConfig config = AvroSerdeConfig.of(
        Map.of(SCHEMA_REGISTRY_URL, "http://bob:pa%40ss@sr-1:8081, https://sr-2/apis/ccompat/v7,"));

    assertThat(config.schemaRegistryUrls())
        .containsExactly(URI.create("http://sr-1:8081"), URI.create("https://sr-2/apis/ccompat/v7"));
    assertThat(config.basicAuthUserInfo()).contains("bob:pa@ss");
  }

  @Test
  void shouldTakeUserInfoFromSettingWhenSourceIsUserInfo() {
    AvroSerdeConfig config = AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, "http://bob:x@sr:8081",
        BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", BASIC_AUTH_USER_INFO, new Password("alice:s3cret")));

    assertThat(config.basicAuthCredentialsSource()).isEqualTo(CredentialsSource.USER_INFO);
    assertThat(config.basicAuthUserInfo()).contains("alice:s3cret");
  }

  @Test
  void shouldRecogniseMockScope() {
    AvroSerdeConfig config = AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, "mock://my-tests"));

    assertThat(config.mockScope()).contains("my-tests");
  }

  @Test
  void shouldRequireRegistryUrl() {
    assertThatThrownBy(() -> AvroSerdeConfig.of(Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SCHEMA_REGISTRY_URL);
    assertThatThrownBy(() -> AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, " , ")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SCHEMA_REGISTRY_URL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://registry:21", "registry:8081", "http://", "http://sr:8081/a b", "mock://x,http://sr:1"})
  void shouldRejectBadRegistryUrlNamingIt(String url) {
    assertThatThrownBy(() -> AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, url)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(SCHEMA_REGISTRY_URL)
        .hasMessageContaining(url);
  }

  @Test
  void shouldNotRevealPasswordOfBadUrl() {
    assertThatThrownBy(() -> AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, "ftp://bob:s3cret@sr:21")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("ftp://bob:***@sr:21")
        .hasMessageNotContaining("s3cret");
  }

  @ParameterizedTest
  @ValueSource(strings = {AUTO_REGISTER_SCHEMAS, USE_LATEST_VERSION, SPECIFIC_AVRO_READER})
  void shouldRejectNonBooleanNamingKeyAndValue(String key) {
    assertThatThrownBy(() -> AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, URL, key, "yes")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("yes");
    assertThatThrownBy(() -> AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, URL, key, 1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {REQUEST_TIMEOUT_MS, RETRIES, RETRY_BACKOFF_MS, MISSING_ID_CACHE_TTL_SEC, MISSING_CACHE_SIZE})
  void shouldRejectBadIntegersNamingKeyAndValue(String key) {
    for (Object bad : List.of("ten", -1, "1.5", 3_000_000_000L)) {
      assertThatThrownBy(() -> AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, URL, key, bad)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(key)
          .hasMessageContaining(bad.toString());
    }
  }

  @Test
  void shouldRejectZeroTimeout() {
    assertThatThrownBy(() -> AvroSerdeConfig.of(Map.of(SCHEMA_REGISTRY_URL, URL, REQUEST_TIMEOUT_MS, 0)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(REQUEST_TIMEOUT_MS);
  }

  @Test
  void shouldRejectUnknownCredentialsSource() {
    assertThatThrownBy(() -> AvroSerdeConfig.of(
            Map.of(SCHEMA_REGISTRY_URL, URL, BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(BASIC_AUTH_CREDENTIALS_SOURCE)
        .hasMessageContaining("SASL_INHERIT");
  }

  @Test
  void shouldRequireUserInfoWhenSourceIsUserInfo() {
    Map<String, Object> props = new HashMap<>(Map.of(SCHEMA_REGISTRY_URL, URL,
        BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO"));

    assertThatThrownBy(() -> AvroSerdeConfig.of(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(BASIC_AUTH_USER_INFO)
        .hasMessageContaining("USER_INFO");

    props.put(BASIC_AUTH_USER_INFO, "alice-without-password");
    assertThatThrownBy(() -> AvroSerdeConfig.of(props))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(BASIC_AUTH_USER_INFO)
        .hasMessageContaining("user:password")
        .hasMessageNotContaining("alice-without-password");
  }
}
