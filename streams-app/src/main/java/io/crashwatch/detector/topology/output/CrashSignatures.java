package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.device.DeviceChange;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.schemas.SignatureCount;
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

  public static void build(KStream<String, DeviceChange> changes, Topics topics) {
    changes
        .filter((key, c) -> c.kind() == DeviceChange.Kind.FAILED && c.signature() != null,
            Named.as("crash-signatures-crashes"))
        .selectKey((key, c) -> c.component() + "/" + c.version() + "/" + c.signature(),
            Named.as("crash-signatures-keyed"))
        .groupByKey(Grouped.with(REPARTITION, Serdes.String(), new JsonSerde<>(DeviceChange.class)))
        .aggregate(() -> null,
            (key, crash, count) -> add(count, crash),
            Named.as("crash-signatures-count"),
            Materialized.<String, SignatureCount, KeyValueStore<Bytes, byte[]>>as(STORE)
                .withKeySerde(Serdes.String())
                .withValueSerde(topics.crashSignatures.valueSerde()))
        .toStream(Named.as("crash-signatures-changes"))
        .to(topics.crashSignatures.name(), topics.crashSignatures.produced());
  }

  private static SignatureCount add(SignatureCount count, DeviceChange crash) {
    java.time.Instant at = java.time.Instant.ofEpochMilli(crash.atMs());
    if (count == null) {
      String[] codeAndModule = crash.signature().split("/", 2);
      return SignatureCount.newBuilder()
          .setComponent(crash.component()).setVersion(crash.version()).setSignature(crash.signature())
          .setBugcheckCode(Integer.parseUnsignedInt(codeAndModule[0].substring(2), 16))
          .setFaultingModule("unknown".equals(codeAndModule[1]) ? null : codeAndModule[1])
          .setDevices(1).setLastCrashAt(at).build();
    }
    count.setDevices(count.getDevices() + 1);
    if (at.isAfter(count.getLastCrashAt())) {
      count.setLastCrashAt(at);
    }
    return count;
  }
}
