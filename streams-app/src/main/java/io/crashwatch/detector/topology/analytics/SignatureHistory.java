package io.crashwatch.detector.topology.analytics;

import io.crashwatch.detector.topology.format.StateFormat;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The crash signatures (bugcheck code + faulting module) of one fleet/component, per version: how many distinct
 * devices crashed with each, how often, and when first and last (event time). Bounded: at most {@link #MAX_SIGNATURES}
 * signatures, the ones seen latest, and {@link #MAX_VERSIONS} versions each; what was last seen longer than the
 * analytics retention ago goes.
 */
@StateFormat(1)
public final class SignatureHistory {
  static final int MAX_SIGNATURES = 50;
  static final int MAX_VERSIONS = 10;

  /** One signature on one version. */
  public static final class OnVersion {
    /** Distinct devices, as a {@link DeviceSketch}. */
    public String devices;
    public long crashes;
    public long firstSeenMs;
    public long lastSeenMs;
  }

  /** By signature, then version. */
  public Map<String, Map<String, OnVersion>> signatures = new TreeMap<>();

  void crash(String signature, String version, String deviceId, long atMs) {
    Map<String, OnVersion> versions = signatures.computeIfAbsent(signature, s -> new TreeMap<>());
    OnVersion on = versions.computeIfAbsent(version, v -> {
      OnVersion o = new OnVersion();
      o.firstSeenMs = atMs;
      return o;
    });
    on.devices = DeviceSketch.add(on.devices, deviceId);
    on.crashes++;
    on.firstSeenMs = Math.min(on.firstSeenMs, atMs);
    on.lastSeenMs = Math.max(on.lastSeenMs, atMs);
    while (versions.size() > MAX_VERSIONS) {
      versions.remove(oldest(versions));
    }
    while (signatures.size() > MAX_SIGNATURES) {
      signatures.remove(signatures.entrySet().stream()
          .min(Comparator.comparingLong(e -> lastSeen(e.getValue()))).orElseThrow().getKey());
    }
  }

  /** Drops what was last seen before {@code oldestMs}. */
  void forgetBefore(long oldestMs) {
    signatures.values().forEach(versions -> versions.values().removeIf(on -> on.lastSeenMs < oldestMs));
    signatures.values().removeIf(Map::isEmpty);
  }

  private static String oldest(Map<String, OnVersion> versions) {
    return versions.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().lastSeenMs)).orElseThrow().getKey();
  }

  private static long lastSeen(Map<String, OnVersion> versions) {
    return versions.values().stream().mapToLong(on -> on.lastSeenMs).max().orElse(0);
  }
}
