package io.crashwatch.detector.topology.analytics;

import io.crashwatch.detector.topology.model.CrashSignature;
import io.crashwatch.detector.topology.status.Numbers;
import io.crashwatch.detector.topology.status.SignatureView;
import io.crashwatch.detector.topology.status.TopSignatures;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** A version's top crash signatures, each marked new or regressed as Sentry marks issues per release. */
public final class SignatureReport {
  private SignatureReport() {
  }

  /** @param previous the version {@code version} replaced; null for none */
  public static TopSignatures of(SignatureHistory history, String fleet, String component, String version, String previous,
                                 int limit) {
    List<SignatureView> top = history == null ? List.of() : history.signatures.entrySet().stream()
        .filter(e -> e.getValue().containsKey(version))
        .map(e -> view(e.getKey(), e.getValue(), version, previous))
        .sorted(Comparator.comparingLong(SignatureView::devices).reversed().thenComparing(SignatureView::signature))
        .limit(limit).toList();
    return new TopSignatures(fleet, component, version, previous, top);
  }

  private static SignatureView view(String signature, Map<String, SignatureHistory.OnVersion> versions, String version,
                                    String previous) {
    SignatureHistory.OnVersion on = versions.get(version);
    boolean seenBefore = versions.entrySet().stream()
        .anyMatch(e -> !e.getKey().equals(version) && e.getValue().firstSeenMs < on.firstSeenMs);
    boolean regressed = seenBefore && (previous == null || !versions.containsKey(previous));
    return new SignatureView(signature, CrashSignature.bugcheckCode(signature), CrashSignature.faultingModule(signature),
        DeviceSketch.devices(on.devices), on.crashes, Numbers.iso(on.firstSeenMs), Numbers.iso(on.lastSeenMs), !seenBefore,
        regressed);
  }
}
