package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.Comparison;
import io.crashwatch.schemas.Evidence;
import io.crashwatch.schemas.HaltReason;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.Scope;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final String scope = Fixtures.newScope();

  @AfterEach
  void dropScope() {
    MockSchemaRegistryClient.dropScope(scope);
  }

  @Test
  void shouldRoundTripSpecificRecordWithNestedRecordAndEnums() {
    SpecificAvroSerde<KillSwitchCommand> serde = new SpecificAvroSerde<>();
    serde.configure(Fixtures.mockConfig(scope), false);
    KillSwitchCommand command = killSwitch();

    byte[] bytes = serde.serializer().serialize("crashwatch.killswitch", command);

    assertThat(serde.deserializer().deserialize("crashwatch.killswitch", bytes)).isEqualTo(command);
  }

  @Test
  void shouldReadSpecificRecordsEvenWhenConfigSaysOtherwise() {
    SpecificAvroSerde<Heartbeat> serde = new SpecificAvroSerde<>();
    serde.configure(Fixtures.mockConfig(scope, AvroSerdeConfig.SPECIFIC_AVRO_READER, false), false);

    byte[] bytes = serde.serializer().serialize(TOPIC, Fixtures.heartbeat("d1"));

    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isInstanceOf(Heartbeat.class);
  }

  @Test
  void shouldReadGenericRecordsInWriterSchema() {
    GenericAvroSerde serde = new GenericAvroSerde();
    serde.configure(Fixtures.mockConfig(scope, AvroSerdeConfig.SPECIFIC_AVRO_READER, true), true);

    byte[] bytes = serde.serializer().serialize(TOPIC, Fixtures.heartbeat("d1"));
    GenericRecord record = serde.deserializer().deserialize(TOPIC, bytes);

    assertThat(record).isNotInstanceOf(SpecificRecord.class);
    assertThat(record.getSchema()).isEqualTo(Heartbeat.getClassSchema());
    assertThat(record.get("deviceId")).isEqualTo("d1"); // avro.java.string=String in the writer schema
    assertThat(record.get("sentAt")).isEqualTo(1000L);
    assertThat(MockSchemaRegistryClient.forScope(scope).subjects()).containsExactly(TOPIC + "-key");
  }

  @Test
  void shouldKeepCachesWhenConfiguredAgainWithSameSettings() {
    CountingClient client = new CountingClient(new MockSchemaRegistryClient());
    SpecificAvroSerde<Heartbeat> serde = new SpecificAvroSerde<>(client);
    Map<String, Object> config = Fixtures.mockConfig(scope);
    serde.configure(config, false);
    var serializer = serde.serializer();
    byte[] bytes = serializer.serialize(TOPIC, Fixtures.heartbeat("d1"));
    serde.deserializer().deserialize(TOPIC, bytes);

    serde.configure(config, false);
    serde.configure(Map.copyOf(config), false);
    serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, Fixtures.heartbeat("d2")));

    assertThat(serde.serializer()).isSameAs(serializer);
    assertThat(client.calls).as("register once, and the id fetch the mock answers from its store").hasValue(2);
  }

  private static KillSwitchCommand killSwitch() {
    Evidence evidence = Evidence.newBuilder()
        .setDevicesOnVersion(1200).setFailedDevices(40).setCrashedDevices(35).setDarkDevices(5)
        .setUncleanReboots(12).setFailureRate(0.8).setComparison(Comparison.CONTROL).setControlDevices(9000)
        .setControlRate(0.01).setRateRatio(80).setTestStatistic(1e6).setThreshold(1000)
        .setTopSignature("0x50/csagent.sys").setFirstFailureAt(Instant.ofEpochMilli(1_721_370_000_000L))
        .setDetectorVersion("0.1.0").setSettings(Map.of("min-devices", "5"))
        .build();
    return KillSwitchCommand.newBuilder()
        .setCommandId("c-1").setAction(KillSwitchAction.HALT).setScope(Scope.GLOBAL).setFleetId(null)
        .setComponent("sensor").setVersion("7.11").setReason(HaltReason.CRASH_SPIKE)
        .setIssuedAt(Instant.ofEpochMilli(1_721_370_060_000L)).setShadow(false).setEvidence(evidence)
        .setActor(null).setNote(null)
        .build();
  }
}
