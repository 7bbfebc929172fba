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
  void shouldKeepTimeAndFingerprintThroughItsSerde() {
    var serde = LastSeen.serde();
    LastSeen seen = new LastSeen(1_721_367_000_000L, LastSeen.fingerprint("boot-1", INSTALLED));

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", seen))).isEqualTo(seen);
  }

  @Test
  void shouldReadTheFormerSixteenByteFormatAndRefuseANewerOne() {
    var serde = LastSeen.serde();
    byte[] former = ByteBuffer.allocate(16).putLong(1_721_367_000_000L).putLong(42L).array();
    byte[] newer = ByteBuffer.allocate(17).put((byte) 2).putLong(1L).putLong(2L).array();

    assertThat(serde.deserializer().deserialize("t", former)).isEqualTo(new LastSeen(1_721_367_000_000L, 42L));
    assertThatThrownBy(() -> serde.deserializer().deserialize("t", newer))
        .isInstanceOf(StateFormatException.class).hasMessageContaining("format 2");
  }
}
