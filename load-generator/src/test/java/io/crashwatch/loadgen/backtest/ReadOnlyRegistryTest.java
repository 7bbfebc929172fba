package io.crashwatch.loadgen.backtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.MockSchemaRegistryClient;
import org.junit.jupiter.api.Test;

class ReadOnlyRegistryTest {
  private final MockSchemaRegistryClient production = new MockSchemaRegistryClient();
  private final ReadOnlyRegistry registry = new ReadOnlyRegistry(production);

  @Test
  void shouldKeepTheIdOfASchemaTheRegistryHoldsAndRegisterNothingThere() {
    int id = production.register("crashwatch.alerts-value", SreAlert.getClassSchema());

    assertThat(registry.register("crashwatch.alerts-value", SreAlert.getClassSchema())).isEqualTo(id);
    int local = registry.register("crashwatch.kill-switch-value", KillSwitchCommand.getClassSchema());

    assertThat(local).isGreaterThanOrEqualTo(ReadOnlyRegistry.FIRST_LOCAL_ID);
    assertThat(registry.getById(local)).isEqualTo(KillSwitchCommand.getClassSchema());
    assertThat(registry.getById(id)).isEqualTo(SreAlert.getClassSchema());
    assertThat(registry.register("crashwatch.kill-switch-value", KillSwitchCommand.getClassSchema())).isEqualTo(local);
    assertThat(production.subjects()).containsExactly("crashwatch.alerts-value");
  }
}
