package io.crashwatch.detector.topology.analytics;

import io.crashwatch.detector.topology.model.FleetComponentKey;
import io.crashwatch.detector.topology.status.Numbers;
import io.crashwatch.detector.topology.status.RateMinute;
import io.crashwatch.detector.topology.status.RatePoint;
import io.crashwatch.detector.topology.status.RateSeries;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** Puts a fleet/component's kept minutes together as one version's series, every minute of the span present. */
public final class RateSeriesReport {
  private RateSeriesReport() {
  }

  /** The series of {@code version} from {@code fleet/component}'s minutes in {@code store}, kept {@code retention}. */
  public static RateSeries read(ReadOnlyWindowStore<String, MinuteRates> store, String fleet, String component, String version,
                                String previous, long fromMs, long toMs, Duration retention) {
    String key = new FleetComponentKey(fleet, component).toString();
    NavigableMap<Long, MinuteRates> minutes = new TreeMap<>();
    try (WindowStoreIterator<MinuteRates> kept = store.fetch(key, Instant.ofEpochMilli(fromMs), Instant.ofEpochMilli(toMs))) {
      kept.forEachRemaining(kv -> minutes.put(kv.key, kv.value));
    }
    long first = fromMs - Math.floorMod(fromMs, CrashRateHistoryProcessor.MINUTE.toMillis());
    return of(fleet, component, version, previous, fromMs, toMs, minutes,
        CrashRateHistoryProcessor.latestBefore(store, key, first, retention));
  }

  /**
   * @param minutes  the minutes kept within the span, by start
   * @param before   the latest minute kept before the span (its devices carry into the span); null for none
   * @param previous the version {@code version} replaced; null for none
   */
  static RateSeries of(String fleet, String component, String version, String previous, long fromMs, long toMs,
                              NavigableMap<Long, MinuteRates> minutes, MinuteRates before) {
    long step = CrashRateHistoryProcessor.MINUTE.toMillis();
    long first = fromMs - Math.floorMod(fromMs, step);
    List<RateMinute> series = new ArrayList<>();
    MinuteRates last = before;
    for (long m = first; m <= toMs; m += step) {
      MinuteRates kept = minutes.get(m);
      MinuteRates now = kept != null ? kept : MinuteRates.after(last);
      long controlDevices = 0;
      long controlFailures = 0;
      for (var e : now.versions.entrySet()) {
        if (!e.getKey().equals(version)) {
          controlDevices += e.getValue().devices;
          controlFailures += e.getValue().failed;
        }
      }
      RatePoint mine = point(now, version);
      series.add(new RateMinute(Numbers.iso(m), Numbers.share(mine.devices(), mine.devices() + controlDevices), mine,
          RatePoint.of(controlDevices, controlFailures),
          previous == null ? null : point(now, previous)));
      last = now;
    }
    return new RateSeries(fleet, component, version, previous, Numbers.iso(fromMs), Numbers.iso(toMs), series);
  }

  private static RatePoint point(MinuteRates minute, String version) {
    MinuteRates.Counts c = minute.versions.get(version);
    return c == null ? RatePoint.of(0, 0) : RatePoint.of(c.devices, c.failed);
  }
}
