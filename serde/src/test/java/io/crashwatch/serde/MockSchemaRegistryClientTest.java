package io.crashwatch.serde;

import static io.crashwatch.serde.Fixtures.PROBE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MockSchemaRegistryClientTest {

  private final String scope = Fixtures.newScope();
  private final MockSchemaRegistryClient registry = MockSchemaRegistryClient.forScope(scope);

  @AfterEach
  void dropScope() {
    MockSchemaRegistryClient.dropScope(scope);
  }

  @Test
  void shouldShareOneInstancePerScopeUntilDropped() {
    assertThat(MockSchemaRegistryClient.forScope(scope)).isSameAs(registry);
    assertThat(SchemaRegistryClients.create(AvroSerdeConfig.of(Fixtures.mockConfig(scope)))).isSameAs(registry);

    MockSchemaRegistryClient.dropScope(scope);

    assertThat(MockSchemaRegistryClient.forScope(scope)).isNotSameAs(registry);
  }

  @Test
  void shouldAssignGlobalIdsLikeConfluent() {
    assertThat(registry.register("a-value", PROBE)).isEqualTo(1);
    assertThat(registry.register("a-value", Heartbeat.getClassSchema())).isEqualTo(2);
    assertThat(registry.register("b-value", PROBE)).as("same schema, other subject").isEqualTo(1);
    assertThat(registry.register("a-value", PROBE)).as("registered again").isEqualTo(1);

    assertThat(registry.getLatest("a-value")).isEqualTo(new RegisteredSchema("a-value", 2, 2, Heartbeat.getClassSchema()));
    assertThat(registry.getId("b-value", PROBE)).isEqualTo(1);
    assertThat(registry.getById(2)).isEqualTo(Heartbeat.getClassSchema());
    assertThat(registry.subjects()).containsExactly("a-value", "b-value");
  }

  @Test
  void shouldAnswerConfluentErrorCodes() {
    registry.register("a-value", PROBE);

    assertThatThrownBy(() -> registry.getId("a-value", CrashReport.getClassSchema()))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
    assertThatThrownBy(() -> registry.getId("nope-value", PROBE))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    assertThatThrownBy(() -> registry.getLatest("nope-value"))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
    assertThatThrownBy(() -> registry.getById(99))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.errorCode()).isEqualTo(40403);
          assertThat(e.httpStatus()).isEqualTo(404);
        })
        .hasMessageContaining("mock://" + scope + "/schemas/ids/99");
  }

  @Test
  void shouldCheckBackwardCompatibilityAgainstLatest() {
    Schema v1 = SchemaBuilder.record("Thing").fields().requiredString("id").endRecord();
    Schema withDefault = SchemaBuilder.record("Thing").fields()
        .requiredString("id").name("size").type().intType().intDefault(0).endRecord();
    Schema withRequired = SchemaBuilder.record("Thing").fields()
        .requiredString("id").requiredInt("size").endRecord();

    assertThat(registry.isCompatible("t-value", v1)).as("no versions yet").isTrue();
    registry.register("t-value", v1);
    assertThat(registry.isCompatible("t-value", withDefault)).isTrue();
    assertThat(registry.isCompatible("t-value", withRequired)).isFalse();
  }

  @Test
  void shouldCreateHttpClientForHttpUrls() {
    AvroSerdeConfig config = AvroSerdeConfig.of(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://localhost:8081"));

    assertThat(SchemaRegistryClients.create(config)).isInstanceOf(HttpSchemaRegistryClient.class);
  }
}
