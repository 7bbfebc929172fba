package io.crashwatch.detector.topology;

import io.crashwatch.schemas.KillSwitchCommand;

import io.crashwatch.schemas.KillSwitchAction;

import io.crashwatch.killswitch.KillSwitchSigner;

import io.crashwatch.killswitch.Ed25519Keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.TestKeys;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.device.FetchLag;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Deployment;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.OperatorCommand;
import io.crashwatch.schemas.SignatureCount;
import io.crashwatch.serde.MockSchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import io.crashwatch.detector.topology.output.CrashRates;
import java.util.ArrayList;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.junit.jupiter.api.Test;

class DetectorTopologyTest {
  private static final Instant NOW = Instant.parse("2024-07-19T04:09:00Z");

  private final String scope = "topology-" + UUID.randomUUID();
  private DetectorSettings settings;
  private Topics topics;
  private TopologyTestDriver driver;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TestInputTopic<String, Heartbeat> heartbeats;
  private TestInputTopic<String, CrashReport> crashReports;
  private TestInputTopic<byte[], byte[]> rawHeartbeats;
  private TestOutputTopic<byte[], byte[]> deadLetters;
  private TestOutputTopic<String, SignatureCount> signatures;

  @BeforeEach
  void start() {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", "unused:9092");
    values.put("schema.registry.url", "mock://" + scope);
    values.put("state.dir", TestDirectories.stateDir().toString()); // not the shared /tmp/kafka-streams
    values.putIfAbsent("kill-switch-signing-key", TestKeys.signingKeyFile());
    values.put("operator-public-keys", TestKeys.operatorPublicKeyFile());
    settings = DetectorSettings.from(values);
    topics = Topics.create(settings.topics(), settings.serdeConfig());
    DetectorMetrics metrics = new DetectorMetrics(meters);
    Properties properties = DetectorTopology.streamsConfig(settings, metrics);
    driver = new TopologyTestDriver(DetectorTopology.build(settings, topics, metrics, FetchLag.NONE, 1), properties, NOW);
    heartbeats = driver.createInputTopic(topics.heartbeats.name(), new StringSerializer(),
        topics.heartbeats.valueSerde().serializer());
    crashReports = driver.createInputTopic(topics.crashReports.name(), new StringSerializer(),
        topics.crashReports.valueSerde().serializer());
    rawHeartbeats = driver.createInputTopic(topics.heartbeats.name(), new ByteArraySerializer(), new ByteArraySerializer());
    deadLetters = driver.createOutputTopic(topics.deadLetters, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    signatures = driver.createOutputTopic(topics.crashSignatures.name(), new StringDeserializer(),
        topics.crashSignatures.valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    MockSchemaRegistryClient.dropScope(scope);
  }

  /**
   * The crash-rates window store emits each window when it closes (emit on window close). A task's first
   * emit range-fetches from epoch 0, and Kafka Streams' record cache over a time-ordered window store walks
   * that range segment by segment, every 90 s since 1970: 2 x 10^7 steps, which held a new task's stream
   * thread for 10-30 s (its transaction timed out, the thread was fenced) at every start and every task
   * move. Uncached, the store fetches only the segments it has.
   */
  @Test
  void shouldNotCacheTheCrashRatesWindowStore() {
    List<String> layers = new ArrayList<>();
    StateStore store = driver.getAllStateStores().get(CrashRates.STORE);
    while (store != null) {
      layers.add(store.getClass().getSimpleName());
      store = store instanceof WrappedStateStore<?, ?, ?> wrapped ? wrapped.wrapped() : null;
    }
    assertThat(layers).as("the whole stack was walked, down to RocksDB").anyMatch(l -> l.contains("RocksDB"));
    assertThat(layers).noneMatch(l -> l.contains("Caching"));
  }

  @Test
  void shouldLockTheNamesOfProcessorsStoresAndRepartitions() {
    String description = DetectorTopology.build(settings, topics).describe().toString();

    assertThat(description).contains(
        "crashwatch.heartbeats-source", "validate-heartbeats", "heartbeats-to-devices",
        "crashwatch.crash-reports-source", "validate-crash-reports", "crash-reports-to-devices",
        "crashwatch.operator-commands-source", "validate-operator-commands",
        "device-inputs", "device-state-processor", "device-state", "dark-deadlines", "device-last-seen", "device-inventory",
        "device-ttl", "held-report-deadlines",
        "device-changes", "device-health",
        "detector-health-repartition", "detector-health-processor", "stores: [detector-health, fleet-trials]", "detector-health-alerts",
        "fleet-trials", "trials-to-health", "health-trials", "kill-switch-false-halts", "false-halts-to-health", "health-false-halts",
        "detector-health-leases", "crashwatch.kill-switch-lease-sink",
        "kill-switch-read-back-source", "kill-switch-read-back", "read-back-merge",
        "crashwatch.fleets-source", "stores: [fleet-allowlist]",
        "health-alerts-merge", "fleet-alerts", "fleet-alerts-merge",
        "fleet-events-repartition", "fleet-statistics-processor", "stores: [fleet-statistics, fleet-timers]",
        "fleet-incidents", "incidents-keyed", "incidents-to-health", "health-inputs",
        "fleet-evidence", "evidence-to-kill-switch", "fleet-to-kill-switch",
        "fleet-cannot-judge", "cannot-judge-to-kill-switch", "cannot-judge-merge",
        "kill-switch-inputs-repartition", "kill-switch-processor", "stores: [kill-switch-state]",
        "crashwatch.kill-switch-sink", "crashwatch.alerts-sink", "halt-history-processor", "stores: [halt-history]",
        "crashwatch.alerts-source", "active-alerts-processor", "stores: [active-alerts]",
        "crash-signatures-by-version-repartition", "crash-signatures-count", "crash-signatures-store",
        "crashwatch.crash-signatures-sink",
        "crashwatch.deployments-source", "validate-deployments", "deployments-keyed", "fleet-announcements",
        "fleet-verdicts", "fleet-rates", "crash-rates-by-version-repartition", "crash-rates-aggregate",
        "crash-rates-store", "crash-rates-closed", "crashwatch.crash-rates-sink",
        "crash-rate-history-processor", "stores: [crash-rate-history]",
        "crash-signature-history-processor", "stores: [crash-signature-history]");
    assertThat(description).doesNotContain("KSTREAM-", "KTABLE-");
  }

  @Test
  void shouldGoOnAfterUndeserializableBytes() {
    // TopologyTestDriver does not route deserialization dead letters; DetectorIT asserts the
    // bytes reach the dead-letter topic on a real broker.
    rawHeartbeats.pipeInput("device-1".getBytes(StandardCharsets.UTF_8),
        "not avro at all".getBytes(StandardCharsets.UTF_8));
    heartbeats.pipeInput("device-2", heartbeat("device-2", NOW), NOW);
    crashReports.pipeInput("device-2", crash("device-2", "r40"));

    assertThat(signatures.readValuesToList()).hasSize(2);
  }

  @Test
  void shouldRejectHeartbeatsWithoutFleetOrWithAForeignKeyOrFromTheFuture() {
    Heartbeat noFleet = heartbeat("device-1", NOW);
    noFleet.setFleetId("");
    Heartbeat future = heartbeat("device-3", NOW.plus(Duration.ofMinutes(6)));

    heartbeats.pipeInput("device-1", noFleet);
    heartbeats.pipeInput("someone-else", heartbeat("device-2", NOW));
    heartbeats.pipeInput("device-3", future);
    heartbeats.pipeInput("device-4", heartbeat("device-4", NOW.plus(Duration.ofMinutes(4))));

    List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
    assertThat(dead).extracting(r -> header(r, "__streams.errors.message"))
        .satisfiesExactly(
            m -> assertThat(m).contains("missing-fleet-id"),
            m -> assertThat(m).contains("key-not-device-id"),
            m -> assertThat(m).contains("future-timestamp"));
    assertThat(dead).extracting(r -> header(r, "crashwatch.error.reason"))
        .containsExactly("missing-fleet-id", "key-not-device-id", "future-timestamp");
    assertThat(dead).extracting(r -> header(r, "__streams.errors.topic")).containsOnly("crashwatch.heartbeats");
    assertThat(meters.get("crashwatch.dead.letters").tag("reason", "key-not-device-id").counter().count()).isEqualTo(1);
    assertThat(meters.get("crashwatch.dead.letters").counters()).hasSize(3);
    assertThat(meters.get("crashwatch.events").tag("type", "heartbeat").counter().count()).as("device-4 only").isEqualTo(1);
    // The dead letter holds the input's own bytes: they decode back to what was sent.
    Heartbeat decoded = topics.heartbeats.valueSerde().deserializer()
        .deserialize(topics.heartbeats.name(), dead.get(2).value());
    assertThat(decoded).isEqualTo(future);
  }

  @Test
  void shouldDeadLetterWhatBreaksTheLimitsAndGoOn() {
    Heartbeat hugeVersion = heartbeat("device-1", NOW);
    hugeVersion.setComponents(Map.of("channel-291", "r".repeat(70_000)));
    Heartbeat slash = heartbeat("device-2", NOW);
    slash.setComponents(Map.of("channel/291", "r41"));
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      many.put("component-" + i, "1.0");
    }
    Heartbeat manyComponents = heartbeat("device-3", NOW);
    manyComponents.setComponents(many);
    CrashReport old = crash("device-4", "r41");
    old.setCrashedAt(NOW.minus(Duration.ofDays(8)));

    heartbeats.pipeInput("device-1", hugeVersion, NOW);
    heartbeats.pipeInput("device-2", slash, NOW);
    heartbeats.pipeInput("device-3", manyComponents, NOW);
    crashReports.pipeInput("device-4", old, NOW);
    heartbeats.pipeInput("device-5", heartbeat("device-5", NOW), NOW);
    crashReports.pipeInput("device-5", crash("device-5", "r40"), NOW);

    assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, "crashwatch.error.reason"))
        .containsExactly("too-long", "invalid-characters", "too-many-components", "too-old");
    assertThat(signatures.readValuesToList()).as("the good report behind them is counted").hasSize(2);
  }

  @Test
  void shouldDeadLetterAHeartbeatThatWouldGrowADeviceBeyondTheComponentLimit() {
    Heartbeat first = heartbeat("device-1", NOW);
    first.setComponents(components("a-", 60));
    Heartbeat more = heartbeat("device-1", NOW);
    more.setComponents(components("b-", 10)); // 10 per heartbeat is fine, 70 for one device is not

    heartbeats.pipeInput("device-1", first, NOW);
    heartbeats.pipeInput("device-1", more, NOW);
    heartbeats.pipeInput("device-1", first, NOW);

    assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, "crashwatch.error.reason"))
        .containsExactly("too-many-components");
  }

  private static Map<String, String> components(String prefix, int count) {
    Map<String, String> components = new HashMap<>();
    for (int i = 0; i < count; i++) {
      components.put(prefix + i, "1.0");
    }
    return components;
  }

  @Test
  void shouldDeadLetterDeploymentsAndOperatorCommandsThatBreakTheLimits() {
    TestInputTopic<String, Deployment> deployments = driver.createInputTopic(topics.deployments.name(),
        new StringSerializer(), topics.deployments.valueSerde().serializer());
    TestInputTopic<String, byte[]> operator = driver.createInputTopic(topics.operatorCommands.name(),
        new StringSerializer(), new ByteArraySerializer());
    Deployment longVersion = Deployment.newBuilder().setRolloutId("rollout-1").setFleetId("airline-ops")
        .setComponent("channel-291").setVersion("r".repeat(65)).setStartedAt(NOW).build();
    Deployment future = Deployment.newBuilder(longVersion).setVersion("r41").setStartedAt(NOW.plus(Duration.ofHours(1))).build();
    OperatorCommand controlCharacters = OperatorCommand.newBuilder().setCommandId("c-1").setAction(OperatorAction.RESUME)
        .setTarget("airline-ops/channel-291/r41").setActor("mallory\u001b[2J").setReason("x").setIssuedAt(NOW).build();
    OperatorCommand longTarget = OperatorCommand.newBuilder().setCommandId("c-2").setAction(OperatorAction.RESUME)
        .setTarget("airline-ops/channel-291/" + "r".repeat(65)).setActor("sre").setReason("x").setIssuedAt(NOW).build();

    deployments.pipeInput("airline-ops", longVersion, NOW);
    deployments.pipeInput("airline-ops", future, NOW);
    operator.pipeInput(DetectorDriver.signed(topics, controlCharacters, TestKeys.operator(), NOW));
    operator.pipeInput(DetectorDriver.signed(topics, longTarget, TestKeys.operator(), NOW));

    assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, "crashwatch.error.reason"))
        .containsExactly("too-long", "future-timestamp", "invalid-characters", "too-long");
  }

  /**
   * Anyone who can write the operator-commands topic could halt or resume anything, as anyone. Only
   * a command signed by an operator key of the settings acts: unsigned, signed by a stranger, altered,
   * stale or repeated, it does nothing (the last two are dead letters; refused signatures are too, on a
   * real broker, which this driver does not route).
   */
  @Test
  void shouldObeyOnlyFreshOperatorCommandsSignedByAnOperatorKey() {
    TestInputTopic<String, byte[]> operator = driver.createInputTopic(topics.operatorCommands.name(),
        new StringSerializer(), new ByteArraySerializer());
    TestOutputTopic<String, KillSwitchCommand> killSwitch = driver.createOutputTopic(topics.killSwitch.name(),
        new StringDeserializer(), topics.killSwitch.valueSerde().deserializer());
    String target = "airline-ops/channel-291/r41";
    OperatorCommand halt = OperatorCommand.newBuilder().setCommandId("h-1").setAction(OperatorAction.FORCE_HALT)
        .setTarget(target).setActor("sre").setReason("bad canary").setIssuedAt(NOW).build();
    KillSwitchSigner stranger = new KillSwitchSigner(Ed25519Keys.generate().getPrivate());

    operator.pipeInput(target, topics.operatorCommands.valueSerde().serializer().serialize(topics.operatorCommands.name(), halt), NOW);
    operator.pipeInput(DetectorDriver.signed(topics, halt, stranger, NOW));
    TestRecord<String, byte[]> altered = DetectorDriver.signed(topics, halt, TestKeys.operator(), NOW);
    altered.value()[altered.value().length - 1] ^= 1;
    operator.pipeInput(altered);
    OperatorCommand old = OperatorCommand.newBuilder().setCommandId("h-old").setAction(OperatorAction.FORCE_HALT)
        .setTarget(target).setActor("sre").setReason("bad canary").setIssuedAt(NOW.minus(Duration.ofMinutes(11))).build();
    operator.pipeInput(DetectorDriver.signed(topics, old, TestKeys.operator(), NOW));
    assertThat(killSwitch.readValuesToList()).as("unsigned, a stranger's, altered, stale").isEmpty();

    operator.pipeInput(DetectorDriver.signed(topics, halt, TestKeys.operator(), NOW));
    operator.pipeInput(DetectorDriver.signed(topics, halt, TestKeys.operator(), NOW)); // the same command again
    assertThat(killSwitch.readValuesToList()).singleElement().satisfies(c -> {
      assertThat(c.getAction()).isEqualTo(KillSwitchAction.HALT);
      assertThat(c.getActor()).as("who signed it, as the settings name the key").startsWith("sre (key ");
    });
    assertThat(deadLetters.readRecordsToList()).extracting(r -> header(r, "crashwatch.error.reason"))
        .containsExactly("operator-stale", "operator-duplicate");
  }

  @Test
  void shouldCountCrashesPerComponentVersionAndSignature() {
    heartbeats.pipeInput("device-1", heartbeat("device-1", NOW), NOW);
    heartbeats.pipeInput("device-2", heartbeat("device-2", NOW), NOW);
    crashReports.pipeInput("device-1", crash("device-1", "r40"));
    crashReports.pipeInput("device-2", crash("device-2", "r40"));

    Map<String, SignatureCount> latest = signatures.readKeyValuesToMap();
    assertThat(latest.get("channel-291/r40/0x50/csagent.sys").getDevices()).isEqualTo(2);
    assertThat(latest.get("sensor/7.11.18110/0x50/csagent.sys").getDevices()).isEqualTo(2);
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    Header h = record.headers().lastHeader(name);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  static Heartbeat heartbeat(String deviceId, Instant sentAt) {
    return Heartbeat.newBuilder()
        .setDeviceId(deviceId).setFleetId("airline-ops").setSentAt(sentAt)
        .setBootId("boot-1").setUptimeMs(1000).setOsBuild("19045.4651")
        .setComponents(Map.of("sensor", "7.11.18110", "channel-291", "r40"))
        .setReason(HeartbeatReason.PERIODIC).build();
  }

  static CrashReport crash(String deviceId, String channelVersion) {
    return CrashReport.newBuilder()
        .setReportId(UUID.randomUUID().toString()).setDeviceId(deviceId).setFleetId("airline-ops")
        .setCrashedAt(NOW).setBugcheckCode(0x50).setFaultingModule("csagent.sys").setOsBuild("19045.4651")
        .setComponents(Map.of("sensor", "7.11.18110", "channel-291", channelVersion)).build();
  }
}
