package io.crashwatch.detector.topology;

import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.SignatureCount;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/** Analysts' view: crashes per component, version and signature (bugcheck code + faulting module). */
final class CrashSignatures {
  static final String STORE = "crash-signatures-store";
  static final String REPARTITION = "crash-signatures-by-version";

  private CrashSignatures() {
  }

  /** {@code 0x50/csagent.sys}; {@code 0x50/unknown} when the report names no module. */
  static String signature(int bugcheckCode, String faultingModule) {
    return String.format("0x%X/%s", bugcheckCode, faultingModule == null ? "unknown" : faultingModule);
  }

  static void build(KStream<String, CrashReport> crashReports, Topics topics) {
    crashReports
        .flatMap((deviceId, report) -> byVersion(report), Named.as("crash-signatures-keyed"))
        .groupByKey(Grouped.with(REPARTITION, Serdes.String(), topics.crashReports.valueSerde()))
        .aggregate(() -> null,
            (key, report, count) -> add(count, key, report),
            Named.as("crash-signatures-count"),
            Materialized.<String, SignatureCount, KeyValueStore<Bytes, byte[]>>as(STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(topics.crashSignatures.valueSerde()))
        .toStream(Named.as("crash-signatures-changes"))
        .to(topics.crashSignatures.name(), topics.crashSignatures.produced());
  }

  /** One record per component the report names, keyed component/version/signature. */
  private static List<KeyValue<String, CrashReport>> byVersion(CrashReport report) {
    Map<String, String> components = report.getComponents();
    if (components == null) {
      return List.of();
    }
    String signature = signature(report.getBugcheckCode(), report.getFaultingModule());
    return components.entrySet().stream()
        .map(c -> KeyValue.pair(c.getKey() + "/" + c.getValue() + "/" + signature, report))
        .toList();
  }

  private static SignatureCount add(SignatureCount count, String key, CrashReport report) {
    if (count == null) {
      String[] parts = key.split("/", 3);
      return SignatureCount.newBuilder()
          .setComponent(parts[0]).setVersion(parts[1]).setSignature(parts[2])
          .setBugcheckCode(report.getBugcheckCode()).setFaultingModule(report.getFaultingModule())
          .setCrashes(1).setLastCrashAt(report.getCrashedAt()).build();
    }
    count.setCrashes(count.getCrashes() + 1);
    if (report.getCrashedAt().isAfter(count.getLastCrashAt())) {
      count.setLastCrashAt(report.getCrashedAt());
    }
    return count;
  }
}
