package io.crashwatch.detector.topology.analytics;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.model.RateSample;
import io.crashwatch.detector.topology.status.SignatureView;
import io.crashwatch.detector.topology.status.TopSignatures;
import java.time.Duration;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** A version's top crash signatures by distinct devices, marked new or regressed as Sentry marks issues per release. */
class SignatureHistoryProcessorTest {
  private static final long T = 1_721_361_600_000L;
  private static final String KEY = "airline-ops/channel-291";
  private static final String CSAGENT = "0x50/csagent.sys";

  private final MockProcessorContext<Void, Void> context = new MockProcessorContext<>();
  private final SignatureHistoryProcessor processor = new SignatureHistoryProcessor(Duration.ofDays(7));
  private final KeyValueStore<String, SignatureHistory> store;

  SignatureHistoryProcessorTest() {
    addStore(context, SignatureHistoryProcessor.STORE, Serdes.String(), new JsonSerde<>(SignatureHistory.class));
    store = context.getStateStore(SignatureHistoryProcessor.STORE);
    processor.init(context);
  }

  @Test
  void shouldRankByDistinctDevicesAndMarkWhatIsNewOnTheVersion() {
    crash("r40", "0xD1/netio.sys", "d1", T);
    crash("r41", "0xD1/netio.sys", "d2", T + 1_000);
    for (int i = 0; i < 5; i++) {
      crash("r41", CSAGENT, "d" + (10 + i), T + 2_000 + i);
    }
    crash("r41", CSAGENT, "d10", T + 9_000); // the same device again: a crash more, not a device more

    TopSignatures top = SignatureReport.of(store.get(KEY), "airline-ops", "channel-291", "r41", "r40", 10);

    assertThat(top.signatures()).extracting(SignatureView::signature).containsExactly(CSAGENT, "0xD1/netio.sys");
    SignatureView csagent = top.signatures().get(0);
    assertThat(csagent.devices()).isEqualTo(5);
    assertThat(csagent.crashes()).isEqualTo(6);
    assertThat(csagent.bugcheckCode()).isEqualTo(0x50);
    assertThat(csagent.faultingModule()).isEqualTo("csagent.sys");
    assertThat(csagent.isNew()).as("first seen on r41").isTrue();
    assertThat(csagent.regressed()).isFalse();
    SignatureView netio = top.signatures().get(1);
    assertThat(netio.isNew()).as("r40 had it first").isFalse();
    assertThat(netio.regressed()).as("r40, which r41 replaced, had it too").isFalse();
  }

  @Test
  void shouldMarkASignatureBackAfterTheVersionBeforeHadNoneAsRegressed() {
    crash("r39", CSAGENT, "d1", T);
    crash("r40", "0xD1/netio.sys", "d2", T + 1_000);
    crash("r41", CSAGENT, "d3", T + 2_000);

    SignatureView back = SignatureReport.of(store.get(KEY), "airline-ops", "channel-291", "r41", "r40", 10).signatures().get(0);

    assertThat(back.isNew()).isFalse();
    assertThat(back.regressed()).isTrue();
  }

  @Test
  void shouldKeepTheSignaturesSeenLatestWhenThereAreMoreThanItKeeps() {
    for (int i = 0; i < SignatureHistory.MAX_SIGNATURES + 10; i++) {
      crash("r41", "0x" + Integer.toHexString(0x100 + i) + "/m.sys", "d" + i, T + i);
    }

    assertThat(store.get(KEY).signatures).hasSize(SignatureHistory.MAX_SIGNATURES)
        .containsKey("0x" + Integer.toHexString(0x100 + SignatureHistory.MAX_SIGNATURES + 9) + "/m.sys")
        .doesNotContainKey("0x100/m.sys");
  }

  /**
   * The sketch's count of distinct devices, over 200 seeded fleets of device ids as fleets name them. At 20 devices
   * two share a bit in about 4.6 % of fleets (190 pairs of 4,096 bits): one fewer then (two fewer in about 0.2 %), in
   * at most 10 % of the runs (4.6 % expected; 10 % is over 3 standard deviations of the count). At 2,000, within 5 % in every
   * run (its standard error there is 1.2 %).
   */
  @Test
  void shouldCountFewDevicesExactlyButForARareCollisionAndManyWithinAFewPercent() {
    SplittableRandom seeds = new SplittableRandom(22);
    int offAtTwenty = 0;
    for (int run = 0; run < 200; run++) {
      long serial = seeds.nextLong(1_000_000_000L);
      String sketch = null;
      for (int n = 1; n <= 2_000; n++) {
        sketch = DeviceSketch.add(sketch, "WS-" + (serial + n));
        if (n == 20) {
          assertThat(DeviceSketch.devices(sketch)).as("run %d", run).isBetween(18L, 20L);
          offAtTwenty += DeviceSketch.devices(sketch) == 20 ? 0 : 1;
        }
      }
      assertThat(DeviceSketch.devices(sketch)).as("run %d", run).isBetween(1_900L, 2_100L);
    }
    assertThat(offAtTwenty).as("runs whose 20 devices counted fewer").isLessThanOrEqualTo(20);
  }

  /**
   * The stored format, locked by a committed record: its device count was written with this build's hash, which
   * must stay, or a device counted before and again after an upgrade would count twice.
   */
  @Test
  void shouldReadItsCommittedFormatAndCountOnWithTheSameHash() throws java.io.IOException {
    byte[] committed;
    try (java.io.InputStream in = getClass().getResourceAsStream("/state-format-1/crash-signature-history.json")) {
      committed = in.readAllBytes();
    }
    store.put(KEY, new JsonSerde<>(SignatureHistory.class).deserializer().deserialize("t", committed));
    SignatureView before = SignatureReport.of(store.get(KEY), "airline-ops", "channel-291", "r41", "r40", 10).signatures().get(0);
    assertThat(before.devices()).isEqualTo(3);
    assertThat(before.crashes()).isEqualTo(4);

    crash("r41", CSAGENT, "dev-1", T + 60_000); // a device it counted already
    crash("r41", CSAGENT, "dev-7", T + 61_000);

    assertThat(SignatureReport.of(store.get(KEY), "airline-ops", "channel-291", "r41", "r40", 10).signatures().get(0).devices())
        .isEqualTo(4);
  }

  private void crash(String version, String signature, String device, long atMs) {
    processor.process(new Record<>("airline-ops/channel-291/" + version,
        new RateSample("airline-ops", "channel-291", version, 100, null, atMs, signature, device), atMs));
  }
}
