package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.schemas.CrashRate;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Deployment;
import io.crashwatch.schemas.FleetMode;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.KillSwitchLease;
import io.crashwatch.schemas.OperatorCommand;
import io.crashwatch.schemas.SignatureCount;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.SchemaRegistryClient;
import io.crashwatch.serde.SpecificAvroSerde;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The one registry of crashwatch's topics with their serdes. Keys are always plain UTF-8 strings,
 * never Avro, so compaction and partitioning do not depend on a registry.
 */
public final class Topics {

  /** A topic and how its records are (de)serialized. */
  public record Topic<V>(String name, Serde<String> keySerde, Serde<V> valueSerde) {

    public Consumed<String, V> consumed() {
      return Consumed.with(keySerde, valueSerde).withName(name + "-source");
    }

    /** The same source with another deserializer for the values, e.g. one that verifies their signature. */
    public Consumed<String, V> consumed(Deserializer<V> values) {
      return Consumed.with(keySerde, Serdes.serdeFrom(valueSerde.serializer(), values)).withName(name + "-source");
    }

    public Produced<String, V> produced() {
      return Produced.with(keySerde, valueSerde).withName(name + "-sink");
    }

    /** The same sink with another serializer for the values, e.g. one that signs them. */
    public Produced<String, V> produced(Serializer<V> values) {
      return Produced.with(keySerde, Serdes.serdeFrom(values, valueSerde.deserializer())).withName(name + "-sink");
    }
  }

  public final Topic<Heartbeat> heartbeats;
  public final Topic<CrashReport> crashReports;
  public final Topic<Deployment> deployments;
  public final Topic<OperatorCommand> operatorCommands;
  public final Topic<KillSwitchCommand> killSwitch;
  public final Topic<KillSwitchLease> killSwitchLease;
  public final Topic<SreAlert> alerts;
  public final Topic<CrashRate> crashRates;
  public final Topic<SignatureCount> crashSignatures;
  /** Original key and value bytes of rejected input, with error headers. */
  public final String deadLetters;
  /**
   * The fleet allowlist: fleet ids as keys, any non-empty value lists one; a signed {@link FleetMode}
   * also marks it shadow or enforced. Read whole by every instance.
   */
  public final Topic<FleetMode> fleets;

  private Topics(TopicNames names, Map<String, ?> serdeConfig, SchemaRegistryClient registry) {
    heartbeats = topic(names.heartbeats(), serdeConfig, registry, Heartbeat.class);
    crashReports = topic(names.crashReports(), serdeConfig, registry, CrashReport.class);
    deployments = topic(names.deployments(), serdeConfig, registry, Deployment.class);
    operatorCommands = topic(names.operatorCommands(), serdeConfig, registry, OperatorCommand.class);
    killSwitch = topic(names.killSwitch(), serdeConfig, registry, KillSwitchCommand.class);
    killSwitchLease = topic(names.killSwitchLease(), serdeConfig, registry, KillSwitchLease.class);
    alerts = topic(names.alerts(), serdeConfig, registry, SreAlert.class);
    crashRates = topic(names.crashRates(), serdeConfig, registry, CrashRate.class);
    crashSignatures = topic(names.crashSignatures(), serdeConfig, registry, SignatureCount.class);
    deadLetters = names.deadLetters();
    fleets = topic(names.fleets(), serdeConfig, registry, FleetMode.class);
  }

  /** @param serdeConfig registry settings ({@code schema.registry.url}, auth, ...) in Confluent's keys */
  public static Topics create(TopicNames names, Map<String, ?> serdeConfig) {
    return new Topics(names, serdeConfig, null);
  }

  /**
   * Topics whose serdes share one registry client: one cache of schemas (and of missing ids), and one
   * view of whether the registry answers, which {@code /health} reports.
   */
  public static Topics create(TopicNames names, Map<String, ?> serdeConfig, SchemaRegistryClient registry) {
    return new Topics(names, serdeConfig, Objects.requireNonNull(registry, "registry"));
  }

  private static <V extends SpecificRecord> Topic<V> topic(String name, Map<String, ?> serdeConfig,
      SchemaRegistryClient registry, Class<V> type) {
    SpecificAvroSerde<V> values = registry == null ? new SpecificAvroSerde<>() : new SpecificAvroSerde<>(registry);
    values.configure(serdeConfig, false);
    return new Topic<>(name, Serdes.String(), Serdes.serdeFrom(values.serializer(), typed(values.deserializer(), type)));
  }

  /**
   * The writer schema decides which generated class a record decodes to, so a CrashReport written to
   * the heartbeats topic decodes fine, as a CrashReport: refuse it here, where a dead letter still
   * holds the input's bytes, rather than let it reach a processor that expects a Heartbeat.
   */
  private static <V> Deserializer<V> typed(Deserializer<V> values, Class<V> type) {
    return (topic, bytes) -> {
      V value = values.deserialize(topic, bytes);
      if (value != null && !type.isInstance(value)) {
        throw new InvalidRecordException("wrong-record-type", "a " + value.getClass().getSimpleName() + " on topic '"
            + topic + "', which carries " + type.getSimpleName() + " records");
      }
      return value;
    };
  }
}
