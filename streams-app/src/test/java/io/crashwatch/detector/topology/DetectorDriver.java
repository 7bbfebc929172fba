package io.crashwatch.detector.topology;

import io.crashwatch.detector.TestKeys;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.VersionKey;
import io.crashwatch.detector.topology.output.KillSwitchProcessor;
import io.crashwatch.detector.topology.output.KillSwitchState;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.CrashRate;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.detector.topology.output.FleetAllowlist;
import io.crashwatch.schemas.Deployment;
import io.crashwatch.schemas.FleetMode;
import io.crashwatch.schemas.FleetProtection;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.OperatorCommand;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.MockSchemaRegistryClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The detector's topology in a TopologyTestDriver, with the vocabulary of the rules: devices send
 * heartbeats and crash reports, time passes on the wall clock, operators resume and halt.
 * Heartbeats are sent "now" on the driver's wall clock unless said otherwise.
 */
final class DetectorDriver implements AutoCloseable {
  static final Instant START = Instant.parse("2024-07-19T04:00:00Z");
  static final String APPLICATION_ID = "crashwatch-test";

  final DetectorSettings settings;
  final Topics topics;
  final TopologyTestDriver driver;
  final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final String scope = "rules-" + UUID.randomUUID();
  private final TestInputTopic<String, Heartbeat> heartbeats;
  private final TestInputTopic<String, CrashReport> crashReports;
  private final TestInputTopic<String, byte[]> rawOperator;
  private final TestInputTopic<String, Deployment> deployments;
  private final TestOutputTopic<String, CrashRate> crashRates;
  private final TestOutputTopic<String, KillSwitchCommand> killSwitch;
  private final TestOutputTopic<String, SreAlert> alerts;
  private Instant now = START;
  private final Map<String, Map<String, String>> installed = new HashMap<>();
  private final Map<String, String> fleets = new HashMap<>();
  private int reports;
  /** What the consumer's fetches say: the detector is behind on every heartbeat partition. */
  private volatile boolean behind;

  DetectorDriver(Map<String, String> overrides) {
    Map<String, String> values = new HashMap<>(overrides);
    values.put("bootstrap.servers", "unused:9092");
    values.put("schema.registry.url", "mock://" + scope);
    values.put("state.dir", TestDirectories.stateDir().toString()); // not the shared /tmp/kafka-streams
    values.put("application.id", APPLICATION_ID);
    values.putIfAbsent("kill-switch-signing-key", TestKeys.signingKeyFile());
    values.putIfAbsent("operator-public-keys", TestKeys.operatorPublicKeyFile());
    values.putIfAbsent("min-fleet-age", "0s"); // every fleet here is seconds old: its trips count towards a GLOBAL halt
    settings = DetectorSettings.from(values);
    topics = Topics.create(settings.topics(), settings.serdeConfig());
    DetectorMetrics metrics = new DetectorMetrics(meters);
    Properties properties = DetectorTopology.streamsConfig(settings, metrics);
    driver = new TopologyTestDriver(DetectorTopology.build(settings, topics, metrics, (partition, nextOffset, wallMs) -> !behind, 1),
        properties, START);
    heartbeats = driver.createInputTopic(topics.heartbeats.name(), new StringSerializer(), topics.heartbeats.valueSerde().serializer());
    crashReports = driver.createInputTopic(topics.crashReports.name(), new StringSerializer(), topics.crashReports.valueSerde().serializer());
    rawOperator = driver.createInputTopic(topics.operatorCommands.name(), new StringSerializer(), new ByteArraySerializer());
    deployments = driver.createInputTopic(topics.deployments.name(), new StringSerializer(), topics.deployments.valueSerde().serializer());
    crashRates = driver.createOutputTopic(topics.crashRates.name(), new StringDeserializer(), topics.crashRates.valueSerde().deserializer());
    killSwitch = driver.createOutputTopic(topics.killSwitch.name(), new StringDeserializer(), topics.killSwitch.valueSerde().deserializer());
    alerts = driver.createOutputTopic(topics.alerts.name(), new StringDeserializer(), topics.alerts.valueSerde().deserializer());
  }

  DetectorDriver() {
    this(Map.of());
  }

  static String device(int i) {
    return String.format("device-%04d", i);
  }

  /** {@code count} devices of {@code fleet} on channel-291 r40 each send their first heartbeat. */
  void fleet(String fleet, int from, int count) {
    for (int i = from; i < from + count; i++) {
      fleets.put(device(i), fleet);
      installed.put(device(i), new HashMap<>(Map.of("sensor", "7.11.18110", "channel-291", "r40")));
      heartbeat(device(i), HeartbeatReason.PERIODIC, false);
    }
  }

  /** The device applies a version: its UPDATE_APPLIED heartbeat, sent before it loads it. */
  void update(String device, String component, String version) {
    installed.get(device).put(component, version);
    heartbeat(device, HeartbeatReason.UPDATE_APPLIED, false);
  }

  void heartbeat(String device) {
    heartbeat(device, HeartbeatReason.PERIODIC, false);
  }

  void uncleanReboot(String device) {
    heartbeat(device, HeartbeatReason.BOOT, true);
  }

  void heartbeat(String device, HeartbeatReason reason, boolean unclean) {
    heartbeatSentAt(device, reason, unclean, now);
  }

  void heartbeatSentAt(String device, HeartbeatReason reason, boolean unclean, Instant sentAt) {
    heartbeats.pipeInput(device, Heartbeat.newBuilder()
        .setDeviceId(device).setFleetId(fleets.get(device)).setSentAt(sentAt).setBootId("boot")
        .setUptimeMs(1000).setOsBuild("10.0.19045").setComponents(Map.copyOf(installed.get(device)))
        .setReason(reason).setPreviousShutdownUnclean(unclean).build(), sentAt);
  }

  void crash(String device) {
    crash(device, "report-" + (++reports), now);
  }

  void crash(String device, String reportId, Instant crashedAt) {
    crash(device, reportId, crashedAt, null);
  }

  /** A crash report that names the versions the agent ran when it crashed ({@code null}: it does not say). */
  void crash(String device, String reportId, Instant crashedAt, Map<String, String> components) {
    crashReports.pipeInput(device, CrashReport.newBuilder()
        .setReportId(reportId).setDeviceId(device).setFleetId(fleets.get(device)).setCrashedAt(crashedAt)
        .setBugcheckCode(0x50).setFaultingModule("csagent.sys").setOsBuild("10.0.19045")
        .setComponents(components).build(), now);
  }

  /** An operator's command, signed with the test operator's key; a RESUME names the HALT that stands. */
  void operator(OperatorAction action, String target) {
    operator(action, target, false);
  }

  /** The same, a RESUME that calls the HALT false or not ({@code resume --false-halt}). */
  void operator(OperatorAction action, String target, boolean falseHalt) {
    OperatorCommand command = OperatorCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString()).setAction(action).setTarget(target)
        .setActor("sre@example.com").setReason("checked the evidence").setIssuedAt(now)
        .setLifts(action == OperatorAction.RESUME ? standingHalt(target) : null).setFalseHalt(falseHalt).build();
    rawOperator.pipeInput(signed(topics, command, TestKeys.operator(), now));
  }

  /** An operator command as {@code ./crashwatch halt|resume --key} writes it: signed by {@code operator}. */
  static TestRecord<String, byte[]> signed(Topics topics, OperatorCommand command, KillSwitchSigner operator, Instant at) {
    byte[] value = topics.operatorCommands.valueSerde().serializer().serialize(topics.operatorCommands.name(), command);
    RecordHeaders headers = new RecordHeaders();
    OperatorSignatures.sign(operator, topics.operatorCommands.name(), command, value, headers);
    return new TestRecord<>(command.getTarget(), value, headers, at);
  }

  /** The commandId of the target's HALT as the kill switch keeps it; null when it has none. */
  private String standingHalt(String target) {
    Target parsed = Target.parse(target);
    KeyValueStore<String, KillSwitchState> store = driver.getKeyValueStore(KillSwitchProcessor.STORE);
    KillSwitchState state = store.get(VersionKey.of(parsed).toString());
    KillSwitchState.TargetState t = state == null ? null : parsed.isGlobal() ? state.global : state.fleets.get(parsed.fleetId());
    return t == null ? null : t.commandId;
  }

  /** An admin lists the fleet on the fleets topic: with any listed, only their trips count towards a global halt. */
  void listFleet(String fleet) {
    driver.createInputTopic(topics.fleets.name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput(fleet, fleet.getBytes(java.nio.charset.StandardCharsets.UTF_8), now);
  }

  /**
   * A SHADOW (until {@code validUntil}) or ENFORCE mark of the fleet on the fleets topic, issued at
   * {@code issuedAt}, as {@code ./crashwatch shadow|enforce} writes it; {@code operator} null: unsigned.
   */
  void markFleet(String fleet, FleetProtection mode, Instant issuedAt, Instant validUntil, KillSwitchSigner operator) {
    FleetMode mark = FleetMode.newBuilder().setMarkId(UUID.randomUUID().toString()).setFleetId(fleet).setMode(mode)
        .setActor("claimed@example.com").setReason("new fleet, observed first").setIssuedAt(issuedAt)
        .setValidUntil(validUntil).build();
    byte[] value = topics.fleets.valueSerde().serializer().serialize(topics.fleets.name(), mark);
    RecordHeaders headers = new RecordHeaders();
    if (operator != null) {
      FleetAllowlist.sign(operator, topics.fleets.name(), mark, value, headers);
    }
    driver.createInputTopic(topics.fleets.name(), new StringSerializer(), new ByteArraySerializer())
        .pipeInput(new TestRecord<>(FleetAllowlist.markKey(fleet), value, headers, now));
  }

  /** The rollout service announces a rollout of the version to the fleet, starting now. */
  void deployment(String fleet, String component, String version) {
    deployments.pipeInput(fleet, Deployment.newBuilder().setRolloutId(UUID.randomUUID().toString()).setFleetId(fleet)
        .setComponent(component).setVersion(version).setPreviousVersion(null).setStartedAt(now).build(), now);
  }

  /** {@code count} devices of {@code fleet} first seen on the given channel-291 version. */
  void fleetOn(String fleet, int from, int count, String channelVersion) {
    for (int i = from; i < from + count; i++) {
      fleets.put(device(i), fleet);
      installed.put(device(i), new HashMap<>(Map.of("sensor", "7.11.18110", "channel-291", channelVersion)));
      heartbeat(device(i), HeartbeatReason.PERIODIC, false);
    }
  }

  List<org.apache.kafka.streams.KeyValue<String, CrashRate>> crashRateRecords() {
    return crashRates.readKeyValuesToList();
  }

  /** Wall-clock time passes; punctuations run as they would. */
  /** From now on the consumer's fetches show the detector behind on every heartbeat partition, or not. */
  void behind(boolean behind) {
    this.behind = behind;
  }

  void advance(Duration d) {
    now = now.plus(d);
    driver.advanceWallClockTime(d);
  }

  Instant now() {
    return now;
  }

  List<KillSwitchCommand> commands() {
    return new ArrayList<>(killSwitch.readValuesToList());
  }

  Map<String, KillSwitchCommand> latestCommands() {
    return killSwitch.readKeyValuesToMap();
  }

  List<SreAlert> alerts() {
    return alerts.readValuesToList();
  }

  /** The kill-switch records as written: value bytes and headers, for a rollout service's verifier. */
  List<TestRecord<String, byte[]>> signedCommands() {
    return driver.createOutputTopic(topics.killSwitch.name(), new StringDeserializer(), new ByteArrayDeserializer())
        .readRecordsToList();
  }

  TestOutputTopic<byte[], byte[]> deadLetters() {
    return driver.createOutputTopic(topics.deadLetters, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  TestOutputTopic<String, byte[]> changelog(String store) {
    return driver.createOutputTopic(APPLICATION_ID + "-" + store + "-changelog", new StringDeserializer(), new ByteArrayDeserializer());
  }

  TestOutputTopic<String, byte[]> internal(String repartition) {
    return driver.createOutputTopic(APPLICATION_ID + "-" + repartition + "-repartition",
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public void close() {
    driver.close();
    MockSchemaRegistryClient.dropScope(scope);
  }
}
