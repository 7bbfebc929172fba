package io.crashwatch.detector.topology.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.detector.topology.format.StateFormatException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LastSeenTest {
  private static final Map<String, String> INSTALLED = Map.of("sensor", "7.11.18110", "channel-291", "r40");

  @Test
  void shouldFingerprintTheSameHeartbeatAlikeWhateverTheOrderOfItsComponents() {
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("channel-291", "r40");
    reversed.put("sensor", "7.11.18110");
    Map<String, String> ordered = new LinkedHashMap<>();
    ordered.put("sensor", "7.11.18110");
    ordered.put("channel-291", "r40");

    assertThat(LastSeen.fingerprint("boot-1", reversed)).isEqualTo(LastSeen.fingerprint("boot-1", ordered));
  }

  @Test
  void shouldFingerprintANewVersionANewBootOrAnotherComponentDifferently() {
    long before = LastSeen.fingerprint("boot-1", INSTALLED);

    assertThat(LastSeen.fingerprint("boot-1", Map.of("sensor", "7.11.18110", "channel-291", "r41"))).isNotEqualTo(before);
    assertThat(LastSeen.fingerprint("boot-2", INSTALLED)).isNotEqualTo(before);
    assertThat(LastSeen.fingerprint("boot-1", Map.of("sensor", "7.11.18110"))).isNotEqualTo(before);
    // The same strings in other places: a version moved to another component is a change too.
    assertThat(LastSeen.fingerprint("boot-1", Map.of("sensor", "r40", "channel-291", "7.11.18110"))).isNotEqualTo(before);
  }

  @Test
  void shouldKeepTimeFingerprintAndChangeTimeThroughItsSerde() {
    var serde = LastSeen.serde();
    LastSeen seen = new LastSeen(1_721_367_000_000L, LastSeen.fingerprint("boot-1", INSTALLED), 1_721_366_990_000L);

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", seen))).isEqualTo(seen);
  }

  /** A settled device costs no change time: written in 17 bytes, read back as settled. */
  @Test
  void shouldWriteASettledDeviceWithoutItsChangeTime() {
    var serde = LastSeen.serde();
    LastSeen settled = new LastSeen(1_721_367_000_000L, 42L, LastSeen.SETTLED);

    byte[] bytes = serde.serializer().serialize("t", settled);

    assertThat(bytes).hasSize(17);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(settled);
  }

  /** Formats 0 (two longs) and 1 (a byte and two longs) knew no change time: read as settled. */
  @Test
  void shouldReadTheFormerFormatsAsSettledAndRefuseANewerOne() {
    var serde = LastSeen.serde();
    byte[] format0 = ByteBuffer.allocate(16).putLong(1_721_367_000_000L).putLong(42L).array();
    byte[] format1 = ByteBuffer.allocate(17).put((byte) 1).putLong(1_721_367_000_000L).putLong(42L).array();
    byte[] newer = ByteBuffer.allocate(25).put((byte) 3).putLong(1L).putLong(2L).putLong(3L).array();

    assertThat(serde.deserializer().deserialize("t", format0)).isEqualTo(new LastSeen(1_721_367_000_000L, 42L, LastSeen.SETTLED));
    assertThat(serde.deserializer().deserialize("t", format1)).isEqualTo(new LastSeen(1_721_367_000_000L, 42L, LastSeen.SETTLED));
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", newer))
        .isInstanceOf(StateFormatException.class).hasMessageContaining("format 3");
  }

  /** Silence is specific to a change only while the device was not heard from dark-window after it. */
  @Test
  void shouldSettleOnceHeardFromLaterThanDarkWindowAfterAChange() {
    LastSeen changed = new LastSeen(0, 7, 1_000);

    assertThat(changed.heardAgain(10, 7, 1_000 + 20_000, 20_000).silentSoonAfterAChange()).isTrue();
    assertThat(changed.heardAgain(10, 7, 1_000 + 20_001, 20_000).silentSoonAfterAChange()).isFalse();
    assertThat(new LastSeen(0, 7, LastSeen.SETTLED).heardAgain(10, 7, 0, 20_000).silentSoonAfterAChange()).isFalse();
  }
}
