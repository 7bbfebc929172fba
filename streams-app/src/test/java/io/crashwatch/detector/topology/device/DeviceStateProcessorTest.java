package io.crashwatch.detector.topology.device;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static io.crashwatch.detector.topology.routing.ProcessorHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** Device state sends changes and alerts each to its own child, from records and from its scan. */
class DeviceStateProcessorTest {
  private static final long NOW = Instant.parse("2024-07-19T04:09:00Z").toEpochMilli();

  private final DetectionRules rules = DetectionRules.defaults();
  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  private final DeviceStateProcessor processor = new DeviceStateProcessor(rules, 64,
      new InputActivity(rules.heartbeatInterval().toMillis(), rules.inputSilence().toMillis()), DetectorMetrics.unserved());

  DeviceStateProcessorTest() {
    addStore(context, DeviceStateProcessor.STATE_STORE, Serdes.String(), new DeviceStateSerde());
    addStore(context, DeviceStateProcessor.DEADLINE_STORE, Serdes.String(), Serdes.String());
    addStore(context, DeviceStateProcessor.LAST_SEEN_STORE, Serdes.String(), LastSeen.serde());
    addStore(context, DeviceStateProcessor.INVENTORY_STORE, Serdes.String(), Inventory.Pending.serde());
    context.setCurrentSystemTimeMs(NOW);
    processor.init(context);
  }

  @Test
  void shouldSendFirstSightingsToTheChangesChildOnTheScan() {
    heartbeat("device-1");
    assertThat(context.forwarded()).as("counted, waiting for the scan").isEmpty();

    scan(NOW + 500);

    assertThat(forwarded(context, DeviceStateProcessor.CHANGES))
        .extracting(r -> r.key() + " " + r.value().version() + " x" + r.value().devices())
        .containsExactlyInAnyOrder("airline-ops/sensor 7.11.18110 x1", "airline-ops/channel-291 r40 x1");
    assertThat(forwarded(context, DeviceStateProcessor.ALERTS)).isEmpty();
  }

  @Test
  void shouldSendATelemetryOutageToTheAlertsChild() {
    heartbeat("device-1");
    scan(NOW + 500);
    context.resetForwards();

    scan(NOW + rules.inputSilence().toMillis() + 500); // nothing heard since

    assertThat(forwarded(context, DeviceStateProcessor.ALERTS)).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("telemetry-outage");
      assertThat(r.value().getKind()).isEqualTo(AlertKind.TELEMETRY_OUTAGE);
      assertThat(r.value().getStatus()).isEqualTo(AlertStatus.FIRING);
    });
    assertThat(forwarded(context, DeviceStateProcessor.CHANGES)).isEmpty();
  }

  private void heartbeat(String deviceId) {
    SpecificRecord heartbeat = Heartbeat.newBuilder()
        .setDeviceId(deviceId).setFleetId("airline-ops").setSentAt(Instant.ofEpochMilli(NOW)).setBootId("boot-1")
        .setUptimeMs(1000).setOsBuild("19045.4651").setComponents(Map.of("sensor", "7.11.18110", "channel-291", "r40"))
        .setReason(HeartbeatReason.PERIODIC).build();
    processor.process(new Record<>(deviceId, heartbeat, NOW));
  }

  /** Fires the wall-clock scan by hand, as Kafka Streams would every 500 ms. */
  private void scan(long wallMs) {
    context.setCurrentSystemTimeMs(wallMs);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(wallMs);
  }
}
