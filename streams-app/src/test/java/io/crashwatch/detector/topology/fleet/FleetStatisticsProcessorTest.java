package io.crashwatch.detector.topology.fleet;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static io.crashwatch.detector.topology.routing.ProcessorHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.FleetEvent;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** Fleet statistics send a verdict and rate samples each to its own child. */
class FleetStatisticsProcessorTest {
  private static final long T = 1_721_361_600_000L;
  private static final String FLEET = "airline-ops";

  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  private final FleetStatisticsProcessor processor = new FleetStatisticsProcessor(DetectionRules.defaults());

  FleetStatisticsProcessorTest() {
    addStore(context, FleetStatisticsProcessor.STORE, Serdes.String(), new JsonSerde<>(FleetStatistics.class));
    addStore(context, FleetStatisticsProcessor.TIMERS, Serdes.String(), Serdes.Long());
    context.setCurrentSystemTimeMs(T);
    processor.init(context);
  }

  @Test
  void shouldSendTheVerdictToItsChildTheMomentACanaryTripsAndASampleToTheRatesChild() {
    process(DeviceChange.firstSeen(FLEET, "channel-291", "r40", 990, T));
    for (int i = 0; i < 10; i++) {
      process(DeviceChange.applied(FLEET, "channel-291", "r41", "r40", false, "device-" + i, java.util.List.of(), T + 1000));
    }
    for (int i = 0; i < 4; i++) {
      process(crash("device-" + i, T + 2000 + i));
    }
    assertThat(forwarded(context, FleetStatisticsProcessor.VERDICTS)).as("fewer than min-devices").isEmpty();
    context.resetForwards();

    process(crash("device-4", T + 3000));

    assertThat(forwarded(context, FleetStatisticsProcessor.VERDICTS)).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("channel-291/r41");
      assertThat(r.value().target()).hasToString("airline-ops/channel-291/r41");
      assertThat(r.value().reason()).isEqualTo("CRASH_SPIKE");
    });
    assertThat(forwarded(context, FleetStatisticsProcessor.RATES)).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("airline-ops/channel-291/r41");
      assertThat(r.value().failure()).isEqualTo("CRASH");
    });
  }

  private static DeviceChange crash(String deviceId, long atMs) {
    return DeviceChange.failed(FLEET, "channel-291", "r41", "r41", deviceId, DeviceChange.Failure.CRASH, true,
        "0x50/csagent.sys", java.util.List.of(), atMs, true);
  }

  private void process(DeviceChange change) {
    processor.process(new Record<>(change.key().toString(), FleetEvent.of(change), change.atMs()));
  }
}
