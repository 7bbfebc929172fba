package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.schemas.CrashRate;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Deployment;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.OperatorCommand;
import io.crashwatch.schemas.SignatureCount;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.SchemaRegistryClient;
import io.crashwatch.serde.SpecificAvroSerde;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
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

    public Produced<String, V> produced() {
      return Produced.with(keySerde, valueSerde).withName(name + "-sink");
    }
  }

  public final Topic<Heartbeat> heartbeats;
  public final Topic<CrashReport> crashReports;
  public final Topic<Deployment> deployments;
  public final Topic<OperatorCommand> operatorCommands;
  public final Topic<KillSwitchCommand> killSwitch;
  public final Topic<SreAlert> alerts;
  public final Topic<CrashRate> crashRates;
  public final Topic<SignatureCount> crashSignatures;
  /** Original key and value bytes of rejected input, with error headers. */
  public final String deadLetters;

  private Topics(TopicNames names, Map<String, ?> serdeConfig, SchemaRegistryClient registry) {
    heartbeats = topic(names.heartbeats(), serdeConfig, registry);
    crashReports = topic(names.crashReports(), serdeConfig, registry);
    deployments = topic(names.deployments(), serdeConfig, registry);
    operatorCommands = topic(names.operatorCommands(), serdeConfig, registry);
    killSwitch = topic(names.killSwitch(), serdeConfig, registry);
    alerts = topic(names.alerts(), serdeConfig, registry);
    crashRates = topic(names.crashRates(), serdeConfig, registry);
    crashSignatures = topic(names.crashSignatures(), serdeConfig, registry);
    deadLetters = names.deadLetters();
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
      SchemaRegistryClient registry) {
    SpecificAvroSerde<V> values = registry == null ? new SpecificAvroSerde<>() : new SpecificAvroSerde<>(registry);
    values.configure(serdeConfig, false);
    return new Topic<>(name, Serdes.String(), values);
  }
}
