package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.model.CrashSignature;
import io.crashwatch.detector.topology.model.DeviceChange;
import io.crashwatch.detector.topology.model.VersionKey;
import io.crashwatch.schemas.SignatureCount;
import java.time.Instant;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Analysts' view: devices that crashed on each component version, per signature (bugcheck code +
 * faulting module), attributed through device state to the versions installed at the crash.
 */
public final class CrashSignatures {
  public static final String STORE = "crash-signatures-store";
  static final String REPARTITION = "crash-signatures-by-version";

  private CrashSignatures() {
  }

  /** @param counts the serde of the counts, which the topic's records are too */
  public static KStream<String, SignatureCount> count(KStream<String, DeviceChange> changes, Serde<SignatureCount> counts) {
    return changes
        .filter((key, c) -> c.kind() == DeviceChange.Kind.FAILED && c.signature() != null,
            Named.as("crash-signatures-crashes"))
        .selectKey((key, c) -> new VersionKey(c.component(), c.version()).withSignature(c.signature()),
            Named.as("crash-signatures-keyed"))
        .groupByKey(Grouped.with(REPARTITION, Serdes.String(), new JsonSerde<>(DeviceChange.class)))
        .aggregate(() -> null,
            (key, crash, count) -> add(count, crash),
            Named.as("crash-signatures-count"),
            Materialized.<String, SignatureCount, KeyValueStore<Bytes, byte[]>>as(STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(counts))
        .toStream(Named.as("crash-signatures-changes"));
  }

  private static SignatureCount add(SignatureCount count, DeviceChange crash) {
    Instant at = Instant.ofEpochMilli(crash.atMs());
    if (count == null) {
      return SignatureCount.newBuilder()
          .setComponent(crash.component()).setVersion(crash.version()).setSignature(crash.signature())
          .setBugcheckCode(CrashSignature.bugcheckCode(crash.signature()))
          .setFaultingModule(CrashSignature.faultingModule(crash.signature()))
          .setDevices(1).setLastCrashAt(at).build();
    }
    count.setDevices(count.getDevices() + 1);
    if (at.isAfter(count.getLastCrashAt())) {
      count.setLastCrashAt(at);
    }
    return count;
  }
}
