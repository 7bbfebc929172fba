package io.crashwatch.detector.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.killswitch.Ed25519Keys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

  /** The detector cannot run without its signing key; an operator's command line reads the same file without it. */
  @Test
  void shouldNameTheSigningKeyWhenItIsMissingOrNotAKey(@TempDir Path dir) throws Exception {
    DetectorSettings withoutKey = DetectorSettings.from(minimal());
    assertThatThrownBy(withoutKey::killSwitchSigner).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kill-switch-signing-key").hasMessageContaining("CRASHWATCH_KILL_SWITCH_SIGNING_KEY");

    Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "hello");
    Map<String, String> m = minimal();
    m.put("kill-switch-signing-key", notAKey.toString());
    assertThatThrownBy(() -> DetectorSettings.from(m)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("kill-switch-signing-key").hasMessageContaining("not-a-key.pem");

    Ed25519Keys.generateInto(dir.resolve("k.key"), dir.resolve("k.pub"));
    m.put("kill-switch-signing-key", dir.resolve("k.key").toString());
    DetectorSettings settings = DetectorSettings.from(m);
    assertThat(settings.killSwitchSigner().publicKey()).isEqualTo(Ed25519Keys.readPublic(dir.resolve("k.pub")));
    assertThat(settings.toString()).as("the key never shows").doesNotContain("BEGIN PRIVATE KEY")
        .contains(settings.killSwitchSigner().keyId());
  }

  /**
   * A directory of public keys, as a Kubernetes ConfigMap mounts them: every file in it is an operator,
   * named for the file; the volume's own entries ({@code ..data} and its timestamped directory) are not.
   */
  @Test
  void shouldReadEveryOperatorKeyInADirectory(@TempDir Path dir) throws Exception {
    Path keys = Files.createDirectories(dir.resolve("operators"));
    Ed25519Keys.generateInto(dir.resolve("alice.key"), keys.resolve("alice.pub"));
    Ed25519Keys.generateInto(dir.resolve("bob.key"), keys.resolve("bob.pub"));
    Files.createDirectories(keys.resolve("..2026_11_29_18_00_00.123"));
    Files.createSymbolicLink(keys.resolve("..data"), keys.resolve("..2026_11_29_18_00_00.123"));
    Map<String, String> m = minimal();
    m.put("operator-public-keys", keys.toString());

    OperatorTrust operators = DetectorSettings.from(m).operators();

    String alice = Ed25519Keys.keyId(Ed25519Keys.readPublic(keys.resolve("alice.pub")));
    String bob = Ed25519Keys.keyId(Ed25519Keys.readPublic(keys.resolve("bob.pub")));
    assertThat(operators.names()).containsOnly(Map.entry(alice, "alice"), Map.entry(bob, "bob"));
  }

  /** Each topic under the setting that names it: the deploy test matches Strimzi's topics to them. */
  @Test
  void shouldNameEveryTopicBySetting() {
    Map<String, String> own = TopicNames.settingsUnder("run-7");

    assertThat(TopicNames.from(own).bySetting()).isEqualTo(own);
    assertThat(TopicNames.defaults().bySetting()).hasSize(11).containsEntry("kill-switch-lease-topic", "crashwatch.kill-switch-lease");
  }

  @Test
  void shouldHideCredentialsWhenShownAndServeHealthOnLoopbackByDefault() {
    Map<String, String> m = minimal();
    m.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"s3cret-1\";");
    m.put("basic.auth.user.info", "crashwatch:s3cret-2");
    m.put("ssl.keystore.password", "s3cret-3");

    DetectorSettings settings = DetectorSettings.from(m);

    assertThat(settings.toString()).doesNotContain("s3cret").contains("sasl.jaas.config=[hidden]", "127.0.0.1:9092");
    assertThat(settings.http().bind()).isEqualTo("127.0.0.1");
    assertThat(settings.kafka()).containsEntry("basic.auth.user.info", "crashwatch:s3cret-2"); // hidden only when shown
  }

  @Test
  void shouldDeriveDarkAfterAndInputSilenceFromTheHeartbeatInterval() {
    Map<String, String> m = minimal();
    m.put("heartbeat-interval", "2s");

    DetectionRules rules = DetectorSettings.from(m).rules();

    assertThat(rules.darkAfter()).isEqualTo(Duration.ofSeconds(6));
    assertThat(rules.inputSilence()).isEqualTo(Duration.ofSeconds(4));
    assertThat(rules.leaseDuration()).isEqualTo(Duration.ofSeconds(6));
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
      "operator-public-keys | /no/such/alice.pub | cannot read /no/such/alice.pub",
      "global-resume-approvals | 0 | at least 1",
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
  void shouldKeepAnalyticsAWeekUnlessToldAndRefuseANonsenseRetentionNamingTheKey() {
    assertThat(DetectorSettings.from(minimal()).analytics().retention()).isEqualTo(java.time.Duration.ofDays(7));
    Map<String, String> m = minimal();
    m.put("analytics-retention", "30d");
    assertThat(DetectorSettings.from(m).analytics().retention()).isEqualTo(java.time.Duration.ofDays(30));
    m.put("analytics-retention", "a week");

    assertThatThrownBy(() -> DetectorSettings.from(m)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("analytics-retention").hasMessageContaining("a week");
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
  void shouldRejectALeaseThatCannotOutlastTwoLivenessReports() {
    Map<String, String> m = minimal();
    m.put("heartbeat-interval", "10s");
    m.put("lease-duration", "15s");

    assertThatThrownBy(() -> DetectorSettings.from(m))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("lease-duration")
        .hasMessageContaining("15s")
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

  /**
   * Failover in seconds (README, "Several instances"): a warm copy of each task on another instance, and a
   * dead instance noticed after 10 s, not Kafka's 45; both the user's to change.
   */
  @Test
  void shouldDefaultToAStandbyOfEveryTaskAndATenSecondSession() {
    var defaults = DetectorSettings.from(minimal()).streamsConfig();
    assertThat(defaults.getProperty(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo("1");
    assertThat(defaults.getProperty("session.timeout.ms")).isEqualTo("10000");

    Map<String, String> m = minimal();
    m.put("num.standby.replicas", "0");
    m.put("session.timeout.ms", "45000");
    var own = DetectorSettings.from(m).streamsConfig();
    assertThat(own.getProperty(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo("0");
    assertThat(own.getProperty("session.timeout.ms")).isEqualTo("45000");
  }
}
