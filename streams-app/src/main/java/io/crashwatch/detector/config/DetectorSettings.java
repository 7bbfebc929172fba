package io.crashwatch.detector.config;

import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchSigner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Everything the detector is configured with, validated at start.
 *
 * <p>Two kinds of keys share one namespace: crashwatch's own keys are words joined by dashes
 * ({@code dark-after}, {@code mode}); every other key ({@code bootstrap.servers}, {@code acks},
 * {@code schema.registry.url}) goes to Kafka Streams, its clients and the serde unchanged. A dashed
 * key that crashwatch does not know is an error, so a typo cannot silently leave a default in force.
 */
public record DetectorSettings(
    DetectionRules rules,
    InputLimits limits,
    TopicNames topics,
    int topicPartitions,
    short topicReplicationFactor,
    boolean createTopics,
    HttpSettings http,
    Alerting alerting,
    Analytics analytics,
    int stateMemoryMb,
    KillSwitchSigner signer,
    OperatorTrust operators,
    Map<String, String> kafka) {

  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  public static final String DEFAULT_APPLICATION_ID = "crashwatch-detector";
  static final int SESSION_TIMEOUT_MS = 10_000;

  static final Setting<Integer> TOPIC_PARTITIONS = Setting.atLeast("topic-partitions", 1, "partitions of topics the detector creates");
  static final Setting<Integer> TOPIC_REPLICATION_FACTOR = Setting.atLeast("topic-replication-factor", -1, "-1: the broker's default");
  static final Setting<Boolean> CREATE_TOPICS = Setting.bool("create-topics", "create missing topics at start");
  static final Setting<Integer> STATE_MEMORY_MB = Setting.atLeast("state-memory-mb", 16, "RocksDB memory for all stores");
  static final Setting<KillSwitchSigner> SIGNING_KEY = new Setting<>("kill-switch-signing-key", file -> {
    try {
      return new KillSwitchSigner(Ed25519Keys.readPrivate(Path.of(file)));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e);
    }
  }, "PEM file of the detector's Ed25519 private key (openssl genpkey -algorithm ed25519): it signs every kill-switch record");

  private static final List<Setting<?>> OWN = List.of(TOPIC_PARTITIONS, TOPIC_REPLICATION_FACTOR, CREATE_TOPICS,
      STATE_MEMORY_MB, SIGNING_KEY);

  public DetectorSettings {
    kafka = Map.copyOf(kafka);
  }

  /** Reads and validates all settings; fails with a {@link ConfigException} naming the first bad key. */
  public static DetectorSettings from(Map<String, String> values) {
    rejectUnknownKeys(values);
    Map<String, String> kafka = values.entrySet().stream()
        .filter(e -> !isCrashwatchKey(e.getKey()))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    require(kafka, CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "host:port of the Kafka cluster");
    require(kafka, SCHEMA_REGISTRY_URL, "URL of a Confluent-compatible schema registry");
    int replication = TOPIC_REPLICATION_FACTOR.read(values, -1);
    if (replication == 0) {
      throw new ConfigException(TOPIC_REPLICATION_FACTOR.key(), "0", "must be -1 (broker default) or at least 1");
    }
    DetectionRules rules = DetectionRules.from(values);
    return new DetectorSettings(
        rules,
        InputLimits.from(values, rules),
        TopicNames.from(values),
        TOPIC_PARTITIONS.read(values, 6),
        (short) replication,
        CREATE_TOPICS.read(values, true),
        HttpSettings.from(values),
        Alerting.from(values),
        Analytics.from(values),
        STATE_MEMORY_MB.read(values, 128),
        SIGNING_KEY.read(values, null),
        OperatorTrust.from(values),
        kafka);
  }

  /**
   * Kafka Streams properties: the user's Kafka keys over crashwatch's defaults. Exactly-once and the
   * dead-letter topic are defaults, not overrides, so an operator can still tune them knowingly. The
   * exception handlers that write to the dead-letter topic belong to the topology, which adds them:
   * see {@code DetectorTopology.streamsConfig}.
   */
  public Properties streamsConfig() {
    Properties p = new Properties();
    p.putAll(kafka);
    p.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.putIfAbsent(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.deadLetters());
    // Take what is buffered without waiting on an empty partition: crash reports come after the reboot,
    // so a device's UPDATE_APPLIED heartbeat is long fetched, and any idling (even 0) makes Kafka
    // Streams format a log message per empty partition per loop, a third of the detector's CPU.
    p.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
    // One stream thread per core: device state is partitioned, the threads share nothing.
    p.putIfAbsent(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(Runtime.getRuntime().availableProcessors()));
    // Failover in seconds (measured: README, "Several instances"). A standby of every task on another
    // instance takes over warm instead of restoring device state from its changelog, and a dead instance is
    // noticed after 10 s instead of Kafka's 45, during which its partitions go unprocessed.
    p.putIfAbsent(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "1");
    p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, Integer.toString(SESSION_TIMEOUT_MS));
    // One bounded memory budget for all RocksDB stores, instead of a cache and memtables per store.
    p.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
    p.put(BoundedRocksDbConfig.MEMORY_BYTES, Long.toString(stateMemoryMb * 1024L * 1024L));
    // Internal topics follow the replication the operator chose for ours.
    if (topicReplicationFactor > 0) {
      p.putIfAbsent(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(topicReplicationFactor));
    }
    return p;
  }

  /**
   * What signs the kill switch. Only the detector needs it — an operator's command line reads the same
   * settings without the detector's key — so its absence fails here, naming the key.
   */
  public KillSwitchSigner killSwitchSigner() {
    if (signer == null) {
      throw new ConfigException(SIGNING_KEY.key(), null, "required to run the detector: " + SIGNING_KEY.doc()
          + " (environment: " + SettingsSource.environmentName(SIGNING_KEY.key()) + ")");
    }
    return signer;
  }

  /** Values of keys that hold credentials are never shown: settings are logged and printed in errors. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    kafka.forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
    return "DetectorSettings[rules=" + rules + ", limits=" + limits + ", topics=" + topics + ", topicPartitions="
        + topicPartitions + ", topicReplicationFactor=" + topicReplicationFactor + ", createTopics=" + createTopics
        + ", http=" + http + ", alerting=" + alerting + ", analytics=" + analytics + ", stateMemoryMb=" + stateMemoryMb + ", signer=" + signer
        + ", kafka=" + shown + "]";
  }

  /** Kafka's password keys, JAAS configs (which embed passwords), registry user info, tokens. */
  static boolean isSecret(String key) {
    String k = key.toLowerCase(java.util.Locale.ROOT);
    return k.contains("password") || k.contains("secret") || k.endsWith("jaas.config") || k.endsWith("user.info")
        || k.contains("token") || k.contains("credentials");
  }

  /** The configuration map for the Avro serdes: every Kafka key, so registry and auth keys reach them. */
  public Map<String, Object> serdeConfig() {
    return new TreeMap<>(kafka);
  }

  private static void require(Map<String, String> kafka, String key, String what) {
    String v = kafka.get(key);
    if (v == null || v.isBlank()) {
      throw new ConfigException(key, v, "required: " + what + " (environment: "
          + SettingsSource.environmentName(key) + ")");
    }
  }

  private static final List<String> KNOWN = Stream.of(OWN, DetectionRules.ALL, InputLimits.ALL, TopicNames.ALL, OperatorTrust.ALL,
      HttpSettings.ALL, Alerting.ALL, Analytics.ALL)
      .flatMap(List::stream).map(Setting::key).sorted().toList();

  /** Kafka's keys never hold a dash; crashwatch's multi-word keys always do. */
  static boolean isCrashwatchKey(String key) {
    return KNOWN.contains(key) || (key.contains("-") && !key.contains("."));
  }

  private static void rejectUnknownKeys(Map<String, String> values) {
    List<String> unknown = new ArrayList<>();
    values.keySet().stream().filter(k -> isCrashwatchKey(k) && !KNOWN.contains(k)).sorted().forEach(unknown::add);
    if (!unknown.isEmpty()) {
      throw new ConfigException(unknown.get(0), values.get(unknown.get(0)),
          "unknown crashwatch setting; known settings: " + String.join(", ", KNOWN));
    }
  }
}
