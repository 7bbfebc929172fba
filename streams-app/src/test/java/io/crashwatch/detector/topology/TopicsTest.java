package io.crashwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.serde.MockSchemaRegistryClient;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TopicsTest {
  private final String scope = "topics-" + UUID.randomUUID();
  private final Topics topics = Topics.create(TopicNames.from(Map.of()), Map.of("schema.registry.url", "mock://" + scope));

  @AfterEach
  void dropScope() {
    MockSchemaRegistryClient.dropScope(scope);
  }

  @Test
  void shouldRefuseARecordOfAnotherTypeOnAnInputTopic() {
    CrashReport report = CrashReport.newBuilder().setReportId("r-1").setDeviceId("device-1").setFleetId("airline-ops")
        .setCrashedAt(Instant.parse("2024-07-19T04:09:00Z")).setBugcheckCode(0x50).setOsBuild("19045").build();
    byte[] bytes = topics.crashReports.valueSerde().serializer().serialize(topics.crashReports.name(), report);

    InvalidRecordException refused = catchThrowableOfType(InvalidRecordException.class,
        () -> topics.heartbeats.valueSerde().deserializer().deserialize(topics.heartbeats.name(), bytes));

    assertThat(refused.reason()).isEqualTo("wrong-record-type");
    assertThat(refused).hasMessageContaining("CrashReport").hasMessageContaining("Heartbeat");
    assertThat(topics.crashReports.valueSerde().deserializer().deserialize(topics.crashReports.name(), bytes))
        .isEqualTo(report);
  }
}
