package io.crashwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DetectorSettingsTest {

  private static Map<String, String> minimal() {
    Map<String, String> m = new HashMap<>();
    m.put("bootstrap.servers", "127.0.0.1:9092");
    m.put("schema.registry.url", "http://127.0.0.1:8081");
    return m;
  }

  @Test
  void shouldApplyTheContractDefaults() {
    DetectionRules rules = DetectorSettings.from(minimal()).rules();

    assertThat(rules.heartbeatInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(rules.darkAfter()).isEqualTo(Duration.ofMinutes(3));
    assertThat(rules.inputSilence()).isEqualTo(Duration.ofMinutes(2));
    assertThat(rules.minDevices()).isEqualTo(5);
    assertThat(rules.toleratedRatio()).isEqualTo(2.0);
    assertThat(rules.alpha()).isEqualTo(0.001);
    assertThat(rules.escalateFleets()).isEqualTo(2);
    assertThat(rules.maxClockSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(rules.baselineWindow()).isEqualTo(Duration.ofDays(7));
    assertThat(rules.mode()).isEqualTo(Mode.ENFORCE);
    assertThat(DetectorSettings.from(minimal()).topics().killSwitch()).isEqualTo("crashwatch.kill-switch");
    assertThat(DetectorSettings.from(minimal()).limits())
        .isEqualTo(new InputLimits(128, 64, 64, 256, Duration.ofMinutes(5), Duration.ofDays(7)));
  }

  @Test
  void shouldDeriveDarkAfterAndInputSilenceFromTheHeartbeatInterval() {
    Map<String, String> m = minimal();
    m.put("heartbeat-interval", "2s");

    DetectionRules rules = DetectorSettings.from(m).rules();

    assertThat(rules.darkAfter()).isEqualTo(Duration.ofSeconds(6));
    assertThat(rules.inputSilence()).isEqualTo(Duration.ofSeconds(4));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "dark-after        | soon   | expected a duration",
      "heartbeat-interval| 0s     | longer than 0",
      "min-devices       | 0      | at least 1",
      "min-devices       | five   | whole number",
      "max-id-length     | 0      | at least 1",
      "max-components    | many   | whole number",
      "max-event-age     | a week | expected a duration",
      "alpha             | 1.5    | less than 1.0",
      "tolerated-ratio   | 0.5    | at least 1.0",
      "baseline-window   | 0s     | longer than 0",
      "baseline-floor    | 0.01   | unknown crashwatch setting",
      "mode              | LOUD   | ENFORCE, SHADOW",
      "create-topics     | yes    | true or false",
      "kill-switch-topic | a/b    | topic name",
      "dark-afer         | 5m     | unknown crashwatch setting"})
  void shouldRejectABadValueNamingTheKey(String key, String value, String expected) {
    Map<String, String> m = minimal();
    m.put(key, value);

    assertThatThrownBy(() -> DetectorSettings.from(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(value)
        .hasMessageContaining(expected);
  }

  @Test
  void shouldRejectDarkAfterNotLongerThanTheHeartbeatInterval() {
    Map<String, String> m = minimal();
    m.put("heartbeat-interval", "60s");
    m.put("dark-after", "30s");

    assertThatThrownBy(() -> DetectorSettings.from(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("dark-after")
        .hasMessageContaining("heartbeat-interval");
  }

  @Test
  void shouldRequireBootstrapServersAndRegistryNamingTheEnvironmentVariable() {
    Map<String, String> noBroker = minimal();
    noBroker.remove("bootstrap.servers");
    Map<String, String> noRegistry = minimal();
    noRegistry.remove("schema.registry.url");

    assertThatThrownBy(() -> DetectorSettings.from(noBroker))
        .hasMessageContaining("bootstrap.servers").hasMessageContaining("KAFKA_BOOTSTRAP_SERVERS");
    assertThatThrownBy(() -> DetectorSettings.from(noRegistry))
        .hasMessageContaining("schema.registry.url").hasMessageContaining("KAFKA_SCHEMA_REGISTRY_URL");
  }

  @Test
  void shouldDefaultToExactlyOnceWithTheDeadLetterTopicButKeepTheUsersKafkaSettings() {
    Map<String, String> m = minimal();
    m.put("application.id", "crashwatch-eu");
    m.put("acks", "all");
    m.put("dead-letters-topic", "rejects");

    var props = DetectorSettings.from(m).streamsConfig();

    assertThat(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo("exactly_once_v2");
    assertThat(props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG)).isEqualTo("crashwatch-eu");
    assertThat(props.getProperty(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("rejects");
    assertThat(props.getProperty("acks")).isEqualTo("all");
    assertThat(props).doesNotContainKey("dead-letters-topic");
  }
}
