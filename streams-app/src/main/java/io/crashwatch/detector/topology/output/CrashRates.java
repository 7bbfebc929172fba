package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.format.StateFormat;
import io.crashwatch.detector.topology.model.RateSample;
import io.crashwatch.schemas.CrashRate;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Analysts' crash rates: per fleet, component and version, one final record per 1-minute window
 * (event time) once the window has closed, emitted by the windowed aggregate on close. This serves
 * analysts only; the halt path never waits on a window.
 */
public final class CrashRates {
  public static final String STORE = "crash-rates-store";
  static final Duration WINDOW = Duration.ofMinutes(1);
  /** Crash reports arrive late (uploaded after the reboot): a window stays open this long after it ends. */
  static final Duration GRACE = Duration.ofMinutes(2);
  /** How long the store keeps a window: until well after it is emitted. */
  static final Duration RETENTION = Duration.ofHours(1);

  private CrashRates() {
  }

  /** One window of one version, as it accumulates. */
  @StateFormat(1)
  public static final class Window {
    public String fleetId;
    public String component;
    public String version;
    public long devices;
    public long failedDevices;
    public long crashReports;
    public long uncleanReboots;
    public long darkDevices;

    Window add(RateSample s) {
      fleetId = s.fleetId();
      component = s.component();
      version = s.version();
      devices = s.devices();
      if (s.failure() != null) {
        failedDevices++;
        switch (s.failure()) {
          case "CRASH" -> crashReports++;
          case "UNCLEAN_REBOOT" -> uncleanReboots++;
          default -> darkDevices++;
        }
      }
      return this;
    }

    CrashRate toCrashRate(long startMs, long endMs) {
      double deviceHours = devices * (endMs - startMs) / 3_600_000.0;
      return CrashRate.newBuilder()
          .setFleetId(fleetId).setComponent(component).setVersion(version)
          .setWindowStart(Instant.ofEpochMilli(startMs)).setWindowEnd(Instant.ofEpochMilli(endMs))
          .setDevices(devices).setFailedDevices(failedDevices).setCrashReports(crashReports)
          .setUncleanReboots(uncleanReboots).setDarkDevices(darkDevices)
          .setFailuresPerDeviceHour(deviceHours > 0 ? failedDevices / deviceHours : 0)
          .build();
    }
  }

  public static KStream<String, CrashRate> windows(KStream<String, RateSample> samples) {
    return samples
        .groupByKey(Grouped.with("crash-rates-by-version", Serdes.String(), new JsonSerde<>(RateSample.class)))
        .windowedBy(TimeWindows.ofSizeAndGrace(WINDOW, GRACE))
        // Emitted from the window store itself once a window closes: no suppression buffer, which
        // held every open window in memory without bound.
        .emitStrategy(EmitStrategy.onWindowClose())
        .aggregate(Window::new, (key, sample, window) -> window.add(sample), Named.as("crash-rates-aggregate"),
            Materialized.<String, Window, WindowStore<Bytes, byte[]>>as(STORE)
                .withKeySerde(Serdes.String()).withValueSerde(new JsonSerde<>(Window.class))
                // Uncached: a task's first emit range-fetches from epoch 0, and the record cache over this
                // time-ordered store walks that range segment by segment (2 x 10^7 of them since 1970),
                // which held a new task's stream thread 10-30 s at every start and every task move.
                .withCachingDisabled()
                // ...and kept well past its close: a window is emitted by the first record after it closes,
                // and a store that kept it only size + grace would drop its segment on a jump in event time.
                .withRetention(RETENTION))
        .toStream(Named.as("crash-rates-closed"))
        .map((Windowed<String> key, Window w) -> KeyValue.pair(
                key.key() + "@" + Instant.ofEpochMilli(key.window().start()),
                w.toCrashRate(key.window().start(), key.window().end())),
            Named.as("crash-rates-keyed"));
  }
}
