package io.crashwatch.loadgen.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.loadgen.scenario.RolloutSpec.WaveOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Which devices a rollout's waves reach first: a flakiest-first canary ring is made of the flaky ones. */
class WaveOrderTest {

  @Test
  void shouldPutTheFlakyDevicesFirstOnlyWhenAsked() {
    List<Device> fleet = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Device d = new Device("d" + i, 0, Map.of("channel-291", "r40"));
      d.flakiness = i % 10 == 0 ? 100 : 1; // 10 flaky devices, spread over the fleet
      fleet.add(d);
    }

    List<Device> flakyFirst = Simulation.waveOrder(fleet, WaveOrder.FLAKY_FIRST, new SplittableRandom(7));
    List<Device> random = Simulation.waveOrder(fleet, WaveOrder.RANDOM, new SplittableRandom(7));

    assertThat(flakyFirst.subList(0, 10)).allSatisfy(d -> assertThat(d.flakiness).isEqualTo(100));
    assertThat(flakyFirst).containsExactlyInAnyOrderElementsOf(fleet);
    assertThat(random).containsExactlyInAnyOrderElementsOf(fleet);
    assertThat(random.subList(0, 10).stream().filter(d -> d.flakiness > 1).count()).as("a random ring").isLessThan(10);
  }
}
