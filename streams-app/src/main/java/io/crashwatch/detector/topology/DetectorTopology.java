package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.alerts.ActiveAlert;
import io.crashwatch.detector.topology.alerts.ActiveAlertsProcessor;
import io.crashwatch.detector.topology.analytics.CrashRateHistoryProcessor;
import io.crashwatch.detector.topology.analytics.HaltHistory;
import io.crashwatch.detector.topology.analytics.HaltHistoryProcessor;
import io.crashwatch.detector.topology.analytics.MinuteRates;
import io.crashwatch.detector.topology.analytics.SignatureHistory;
import io.crashwatch.detector.topology.analytics.SignatureHistoryProcessor;
import io.crashwatch.detector.topology.device.DeviceStateProcessor;
import io.crashwatch.detector.topology.device.DeviceStateSerde;
import io.crashwatch.detector.topology.device.FetchLag;
import io.crashwatch.detector.topology.device.InputActivity;
import io.crashwatch.detector.topology.device.Inventory;
import io.crashwatch.detector.topology.device.LastSeen;
import io.crashwatch.detector.topology.fleet.FleetStatistics;
import io.crashwatch.detector.topology.fleet.FleetStatisticsProcessor;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.health.DetectorHealth;
import io.crashwatch.detector.topology.health.FleetTrials;
import io.crashwatch.detector.topology.health.DetectorHealthProcessor;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.FleetComponentKey;
import io.crashwatch.detector.topology.model.FleetEvent;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.KillSwitchInput;
import io.crashwatch.detector.topology.model.OperatorRequest;
import io.crashwatch.detector.topology.model.RateSample;
import io.crashwatch.detector.topology.model.VersionKey;
import io.crashwatch.detector.topology.output.CrashRates;
import io.crashwatch.detector.topology.output.CrashSignatures;
import io.crashwatch.detector.topology.output.FleetAllowlist;
import io.crashwatch.detector.topology.output.KillSwitchProcessor;
import io.crashwatch.detector.topology.output.KillSwitchReadBack;
import io.crashwatch.detector.topology.output.KillSwitchState;
import io.crashwatch.detector.topology.output.SigningSerializer;
import io.crashwatch.detector.topology.rejects.InvalidInputHandler;
import io.crashwatch.detector.topology.rejects.UndecodableInputHandler;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.SreAlert;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The detector's data flow, free of any I/O:
 * input validation → device state (by deviceId) → fleet statistics (by fleet/component) → the
 * kill switch (by component/version, which reads its own topic back) → kill-switch commands and
 * alerts; the detector's health → alerts and each heartbeat partition's lease; the alerts, read back, → the
 * alerts that stand (for the delivery to Alertmanager); crash signatures and
 * windowed crash rates branch off for analysts. Every processor, store and
 * repartition is named, so the names survive code changes and a test locks them. A processor with
 * two kinds of output forwards each to a {@link io.crashwatch.detector.topology.routing.Child} of its
 * own, by name, which gives the DSL its typed stream.
 */
public final class DetectorTopology {
  public static final String FLEET_EVENTS = "fleet-events";
  public static final String KILL_SWITCH_INPUTS = "kill-switch-inputs";
  public static final String DETECTOR_HEALTH = "detector-health";
  public static final String KILL_SWITCH_READ_BACK = "kill-switch-read-back";
  public static final String ACTIVE_ALERTS = "active-alerts-processor";
  public static final String HALT_HISTORY = "halt-history-processor";
  public static final String CRASH_RATE_HISTORY = "crash-rate-history-processor";
  public static final String SIGNATURE_HISTORY = "crash-signature-history-processor";

  private DetectorTopology() {
  }

  /**
   * The settings' Kafka Streams configuration and what this topology relies on: validation throws,
   * and these exception handlers, which Kafka Streams creates by class name, send the record to the
   * dead-letter topic and count it in {@code metrics}. Defaults, like the settings' own.
   */
  public static Properties streamsConfig(DetectorSettings settings, DetectorMetrics metrics) {
    Properties p = settings.streamsConfig();
    p.putIfAbsent(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, UndecodableInputHandler.class.getName());
    p.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, InvalidInputHandler.class.getName());
    p.put(DetectorMetrics.CONFIG, metrics);
    return p;
  }

  /**
   * The topology driven record by record, without a consumer, on one heartbeat partition: every
   * partition counts as read to its end.
   */
  public static Topology build(DetectorSettings settings, Topics topics) {
    return build(settings, topics, DetectorMetrics.unserved(), FetchLag.NONE, 1);
  }

  /**
   * @param lag                 whether each heartbeat partition is read to its end, as the consumer that runs the
   *                            topology sees it: dark detection trusts silence only there
   * @param heartbeatPartitions the heartbeat topic's partitions: each gets a lease of its own
   */
  public static Topology build(DetectorSettings settings, Topics topics, DetectorMetrics metrics, FetchLag lag,
                               int heartbeatPartitions) {
    DetectionRules rules = settings.rules();
    StreamsBuilder builder = new StreamsBuilder();
    addStores(builder, settings.analytics().retention());

    // Validation first, before any repartition, so a dead letter carries the input's own bytes.
    KStream<String, SpecificRecord> heartbeats = builder
        .stream(topics.heartbeats.name(), topics.heartbeats.consumed())
        .processValues(InputValidation.heartbeats(settings.limits(), metrics), Named.as("validate-heartbeats"))
        .mapValues(v -> (SpecificRecord) v, Named.as("heartbeats-to-devices"));
    KStream<String, SpecificRecord> crashReports = builder
        .stream(topics.crashReports.name(), topics.crashReports.consumed())
        .processValues(InputValidation.crashReports(settings.limits(), metrics), Named.as("validate-crash-reports"))
        .mapValues(v -> (SpecificRecord) v, Named.as("crash-reports-to-devices"));
    KStream<String, FleetEvent> announcements = builder
        .stream(topics.deployments.name(), topics.deployments.consumed())
        .processValues(() -> new DeploymentValidation(settings.limits(), metrics), Named.as("validate-deployments"))
        .map((fleet, d) -> KeyValue.pair(new FleetComponentKey(d.getFleetId(), d.getComponent()).toString(),
            FleetEvent.announce(d.getVersion(), d.getStartedAt().toEpochMilli(), d.getPreviousVersion())),
            Named.as("deployments-keyed"));
    KStream<String, OperatorRequest> operator = builder
        .stream(topics.operatorCommands.name(), topics.operatorCommands.consumed(
            new OperatorSignatures(topics.operatorCommands.valueSerde().deserializer(), settings.operators().verifier())))
        .processValues(() -> new OperatorValidation(settings.limits(), settings.operators(), metrics),
            Named.as("validate-operator-commands"), OperatorValidation.SEEN_STORE);

    // Device state: heartbeats and crash reports are co-partitioned by deviceId.
    InputActivity activity = new InputActivity(rules.heartbeatInterval().toMillis(), rules.inputSilence().toMillis(), lag);
    KStream<String, Object> device = heartbeats
        .merge(crashReports, Named.as("device-inputs"))
        .process(() -> new DeviceStateProcessor(rules, settings.limits().maxComponents(), activity, metrics), Named.as("device-state-processor"),
            DeviceStateProcessor.STATE_STORE, DeviceStateProcessor.DEADLINE_STORE, DeviceStateProcessor.LAST_SEEN_STORE,
            DeviceStateProcessor.INVENTORY_STORE, DeviceStateProcessor.TTL_STORE, DeviceStateProcessor.HELD_STORE);
    KStream<String, DeviceChange> changes = DeviceStateProcessor.CHANGES.of(device);

    // Fleet statistics: changes, and RESUMEs of fleet targets that restart a version's test.
    KStream<String, FleetEvent> resumes = operator
        .filter((key, op) -> "RESUME".equals(op.action()) && !op.target().isGlobal(), Named.as("fleet-resumes"))
        .map((key, op) -> KeyValue.pair(FleetComponentKey.of(op.target()).toString(),
            FleetEvent.resume(op.target().version())), Named.as("fleet-resumes-keyed"));
    KStream<String, Object> fleet = changes
        .mapValues(FleetEvent::of, Named.as("changes-to-fleet-events"))
        .merge(resumes, Named.as("fleet-inputs"))
        .merge(announcements, Named.as("fleet-announcements"))
        .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(FleetEvent.class)).withName(FLEET_EVENTS))
        .process(() -> new FleetStatisticsProcessor(rules), Named.as("fleet-statistics-processor"),
            FleetStatisticsProcessor.STORE, FleetStatisticsProcessor.TIMERS);

    // Which fleets' trips may count towards a global halt, when any are listed: every instance reads the whole topic.
    FleetAllowlist.addTo(builder, topics.fleets.name(), topics.fleets.valueSerde().deserializer(), settings.operators(), metrics);

    // The kill switch reads its own topic back: a record there that is not its latest command is re-asserted over.
    KillSwitchSigner signer = settings.killSwitchSigner();
    KStream<String, KillSwitchInput> readBack = builder
        .stream(topics.killSwitch.name(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(KILL_SWITCH_READ_BACK + "-source"))
        .process(() -> new KillSwitchReadBack(topics.killSwitch.name(), new KillSwitchVerifier(List.of(signer.publicKey()))),
            Named.as(KILL_SWITCH_READ_BACK));

    // The kill switch: fleet verdicts and operator commands for one component/version meet here.
    KStream<String, Object> decisions = FleetStatisticsProcessor.EVIDENCE.of(fleet)
        .mapValues(KillSwitchInput::of, Named.as("evidence-to-kill-switch"))
        .merge(FleetStatisticsProcessor.VERDICTS.of(fleet)
            .mapValues(KillSwitchInput::of, Named.as("verdicts-to-kill-switch")), Named.as("fleet-to-kill-switch"))
        .merge(FleetStatisticsProcessor.CANNOT_JUDGE.of(fleet)
            .mapValues(KillSwitchInput::of, Named.as("cannot-judge-to-kill-switch")), Named.as("cannot-judge-merge"))
        .merge(operator
            .selectKey((key, op) -> VersionKey.of(op.target()).toString(), Named.as("operator-keyed-by-version"))
            .mapValues(KillSwitchInput::of, Named.as("operator-to-kill-switch")), Named.as("kill-switch-merge"))
        .merge(readBack, Named.as("read-back-merge"))
        .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(KillSwitchInput.class)).withName(KILL_SWITCH_INPUTS))
        .process(() -> new KillSwitchProcessor(rules, settings.operators(), metrics, signer.keyId()), Named.as("kill-switch-processor"),
            KillSwitchProcessor.STORE);

    // The detector's health: every device-state task reports to one key, so its alerts fire once per application.
    KStream<String, Object> health = DeviceStateProcessor.HEALTH.of(device)
        .merge(FleetStatisticsProcessor.INCIDENTS.of(fleet)
            .selectKey((key, incident) -> HealthReport.KEY, Named.as("incidents-keyed"))
            .mapValues(HealthReport::of, Named.as("incidents-to-health")), Named.as("health-inputs"))
        .merge(FleetStatisticsProcessor.TRIALS.of(fleet)
            .mapValues(HealthReport::of, Named.as("trials-to-health")), Named.as("health-trials"))
        .merge(KillSwitchProcessor.FALSE_HALTS.of(decisions)
            .mapValues(HealthReport::of, Named.as("false-halts-to-health")), Named.as("health-false-halts"))
        .repartition(Repartitioned.with(Serdes.String(), new JsonSerde<>(HealthReport.class))
            .withName(DETECTOR_HEALTH).withNumberOfPartitions(1))
        .process(() -> new DetectorHealthProcessor(rules, heartbeatPartitions, metrics), Named.as("detector-health-processor"),
            DetectorHealthProcessor.STORE, DetectorHealthProcessor.TRIALS_STORE);

    KStream<String, KillSwitchCommand> commands = KillSwitchProcessor.COMMANDS.of(decisions);
    commands.to(topics.killSwitch.name(), topics.killSwitch.produced(
        SigningSerializer.commands(topics.killSwitch.valueSerde().serializer(), signer)));
    commands.process(() -> new HaltHistoryProcessor(settings.analytics().retention()), Named.as(HALT_HISTORY),
        HaltHistoryProcessor.STORE);
    DetectorHealthProcessor.LEASES.of(health).to(topics.killSwitchLease.name(), topics.killSwitchLease.produced(
        SigningSerializer.leases(topics.killSwitchLease.valueSerde().serializer(), signer)));
    KillSwitchProcessor.ALERTS.of(decisions)
        .merge(DetectorHealthProcessor.ALERTS.of(health), Named.as("health-alerts-merge"))
        .merge(FleetStatisticsProcessor.ALERTS.of(fleet), Named.as("fleet-alerts-merge"))
        .to(topics.alerts.name(), topics.alerts.produced());

    // The alerts that stand, read back once committed: what the delivery to Alertmanager sends, and again.
    builder.stream(topics.alerts.name(), topics.alerts.consumed())
        .process(ActiveAlertsProcessor::new, Named.as(ACTIVE_ALERTS), ActiveAlertsProcessor.STORE);

    CrashSignatures.count(changes, topics.crashSignatures.valueSerde())
        .to(topics.crashSignatures.name(), topics.crashSignatures.produced());
    KStream<String, RateSample> rates = FleetStatisticsProcessor.RATES.of(fleet);
    CrashRates.windows(rates).to(topics.crashRates.name(), topics.crashRates.produced());
    rates.process(() -> new CrashRateHistoryProcessor(settings.analytics().retention()), Named.as(CRASH_RATE_HISTORY),
        CrashRateHistoryProcessor.STORE);
    rates.process(() -> new SignatureHistoryProcessor(settings.analytics().retention()), Named.as(SIGNATURE_HISTORY),
        SignatureHistoryProcessor.STORE);
    return builder.build();
  }

  private static void addStores(StreamsBuilder builder, Duration analyticsRetention) {
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DeviceStateProcessor.STATE_STORE), Serdes.String(), new DeviceStateSerde()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DeviceStateProcessor.DEADLINE_STORE), Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DeviceStateProcessor.TTL_STORE), Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DeviceStateProcessor.HELD_STORE), Serdes.String(), Serdes.String()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DeviceStateProcessor.LAST_SEEN_STORE), Serdes.String(), LastSeen.serde())
        .withLoggingDisabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(DeviceStateProcessor.INVENTORY_STORE), Serdes.String(), Inventory.Pending.serde())
        .withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(FleetStatisticsProcessor.STORE), Serdes.String(), new JsonSerde<>(FleetStatistics.class))
        .withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(FleetStatisticsProcessor.TIMERS), Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(OperatorValidation.SEEN_STORE), Serdes.String(), Serdes.Long()));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DetectorHealthProcessor.STORE), Serdes.String(), new JsonSerde<>(DetectorHealth.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(DetectorHealthProcessor.TRIALS_STORE), Serdes.String(), new JsonSerde<>(FleetTrials.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(KillSwitchProcessor.STORE), Serdes.String(), new JsonSerde<>(KillSwitchState.class))
        .withCachingEnabled());
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(ActiveAlertsProcessor.STORE), Serdes.String(), new JsonSerde<>(ActiveAlert.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(HaltHistoryProcessor.STORE), Serdes.String(), new JsonSerde<>(HaltHistory.class)));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(SignatureHistoryProcessor.STORE), Serdes.String(), new JsonSerde<>(SignatureHistory.class)));
    builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(CrashRateHistoryProcessor.STORE,
        analyticsRetention, CrashRateHistoryProcessor.MINUTE, false), Serdes.String(), new JsonSerde<>(MinuteRates.class)));
  }
}
