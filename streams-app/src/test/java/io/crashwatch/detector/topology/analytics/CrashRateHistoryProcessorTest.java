package io.crashwatch.detector.topology.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.model.RateSample;
import io.crashwatch.detector.topology.status.RateMinute;
import io.crashwatch.detector.topology.status.RatePoint;
import io.crashwatch.detector.topology.status.RateSeries;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;

/**
 * A version's crash rate per minute beside its control's, every minute of the span present: a steady control
 * sends no samples, and its devices carry from minute to minute.
 */
class CrashRateHistoryProcessorTest {
  private static final long T = 1_721_361_600_000L; // a minute's start
  private static final long MINUTE = 60_000L;
  private static final Duration RETENTION = Duration.ofDays(7);

  private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
  private final CrashRateHistoryProcessor processor = new CrashRateHistoryProcessor(RETENTION);
  private final WindowStore<String, MinuteRates> store;

  CrashRateHistoryProcessorTest() {
    store = Stores.windowStoreBuilder(Stores.inMemoryWindowStore(CrashRateHistoryProcessor.STORE, RETENTION,
        CrashRateHistoryProcessor.MINUTE, false), Serdes.String(), new JsonSerde<>(MinuteRates.class)).withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    processor.init(context);
  }

  @Test
  void shouldGiveEveryMinuteOfAVersionBesideASteadyControlAndTheVersionItReplaced() {
    sample("r40", 1_000, null, T + 5_000);           // the fleet, once
    sample("r41", 10, null, T + 2 * MINUTE + 1_000);   // the rollout starts two minutes later
    sample("r40", 990, null, T + 2 * MINUTE + 1_000);
    sample("r41", 10, "CRASH", T + 3 * MINUTE + 7_000);
    sample("r41", 10, "DARK", T + 3 * MINUTE + 9_000);

    RateSeries series = RateSeriesReport.read(store, "airline-ops", "channel-291", "r41", "r40", T, T + 5 * MINUTE, RETENTION);

    assertThat(series.minutes()).extracting(RateMinute::minute).hasSize(6).first().isEqualTo("2024-07-19T04:00:00Z");
    assertThat(series.minutes()).extracting(m -> m.control().devices())
        .as("the control's devices in minutes with no sample of it").containsExactly(1_000L, 1_000L, 990L, 990L, 990L, 990L);
    assertThat(series.minutes()).extracting(m -> m.version().devices()).containsExactly(0L, 0L, 10L, 10L, 10L, 10L);
    assertThat(series.minutes()).extracting(m -> m.version().failures()).containsExactly(0L, 0L, 0L, 2L, 0L, 0L);
    assertThat(series.minutes().get(3).version().failuresPerDeviceHour()).as("2 of 10 devices in a minute").isEqualTo(12.0);
    assertThat(series.minutes().get(3).previous()).isEqualTo(RatePoint.of(990, 0));
    assertThat(series.minutes()).extracting(RateMinute::adoption).as("the version's share of the fleet, over time")
        .containsExactly(0.0, 0.0, 0.01, 0.01, 0.01, 0.01);
    assertThat(series.previousVersion()).isEqualTo("r40");
  }

  /** A span that starts after the last change still knows the devices: from the latest minute kept before it. */
  @Test
  void shouldCarryDevicesIntoASpanFromTheLatestMinuteBeforeIt() {
    sample("r40", 1_000, null, T);
    sample("r41", 50, "UNCLEAN_REBOOT", T + 1_000);

    RateSeries series = RateSeriesReport.read(store, "airline-ops", "channel-291", "r41", null, T + 60 * MINUTE,
        T + 62 * MINUTE, RETENTION);

    assertThat(series.minutes()).hasSize(3).allSatisfy(m -> {
      assertThat(m.version()).isEqualTo(RatePoint.of(50, 0));
      assertThat(m.control()).isEqualTo(RatePoint.of(1_000, 0));
      assertThat(m.previous()).isNull();
    });
  }

  /** A crash report uploaded after the reboot counts in the minute it happened, not the one it arrived in. */
  @Test
  void shouldCountALateFailureInItsOwnMinute() {
    sample("r41", 10, null, T + 5 * MINUTE);
    sample("r41", 10, "CRASH", T + MINUTE + 30_000);

    RateSeries series = RateSeriesReport.read(store, "airline-ops", "channel-291", "r41", null, T, T + 5 * MINUTE, RETENTION);

    assertThat(series.minutes()).extracting(m -> m.version().failures()).containsExactly(0L, 1L, 0L, 0L, 0L, 0L);
  }

  /** The stored format, locked by a committed record: a minute written by this build is read back by the next. */
  @Test
  void shouldReadItsCommittedFormat() throws java.io.IOException {
    byte[] committed;
    try (java.io.InputStream in = getClass().getResourceAsStream("/state-format-1/crash-rate-minute.json")) {
      committed = in.readAllBytes();
    }
    store.put("airline-ops/channel-291", new JsonSerde<>(MinuteRates.class).deserializer().deserialize("t", committed), T);

    RateMinute minute = RateSeriesReport.read(store, "airline-ops", "channel-291", "r41", "r40", T, T, RETENTION).minutes().get(0);

    assertThat(minute.version()).isEqualTo(RatePoint.of(10, 2));
    assertThat(minute.control()).isEqualTo(RatePoint.of(990, 0));
  }

  private void sample(String version, long devices, String failure, long atMs) {
    processor.process(new Record<>("airline-ops/channel-291/" + version,
        new RateSample("airline-ops", "channel-291", version, devices, failure, atMs), atMs));
  }
}
