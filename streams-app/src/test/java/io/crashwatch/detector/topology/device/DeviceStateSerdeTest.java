package io.crashwatch.detector.topology.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import io.crashwatch.detector.topology.format.StateFormatException;
import org.apache.kafka.common.errors.SerializationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeviceStateSerdeTest {

  @Test
  void shouldKeepEverythingDeviceStateKnowsThroughItsSerde() {
    DeviceState state = new DeviceState("airline-ops");
    state.components.put("sensor", new DeviceState.Installed("7.11.18110", null, 0));
    state.components.put("channel-291", new DeviceState.Installed("r41", "r40", 1_721_367_000_000L));
    state.indexed = true;
    state.markFailed("channel-291", "r41");
    state.rememberReport("report-1");
    state.recentFailures = java.util.List.of(1_721_367_500_000L, 1_721_300_000_000L);
    state.lastDarkMs = 1_721_000_000_000L;
    state.firstSeenMs = 1_720_000_000_000L;

    DeviceState read = DeviceStateSerde.read(DeviceStateSerde.write(state));

    assertThat(read.fleetId).isEqualTo("airline-ops");
    assertThat(read.components).isEqualTo(state.components);
    assertThat(read.indexed).isTrue();
    assertThat(read.dark).isFalse();
    assertThat(read.markFailed("channel-291", "r41")).as("already failed on r41").isFalse();
    assertThat(read.rememberReport("report-1")).as("report-1 already seen").isFalse();
    assertThat(read.recentFailures).containsExactly(1_721_367_500_000L, 1_721_300_000_000L);
    assertThat(read.lastDarkMs).isEqualTo(1_721_000_000_000L);
    assertThat(read.firstSeenMs).isEqualTo(1_720_000_000_000L);
  }

  /**
   * Format 6 did not know when the device was first seen, format 5 knew nothing of earlier dark, format
   * 4 held no reports, format 3 had no failure times either: read with none, the rest intact.
   */
  @Test
  void shouldReadThePreviousFormatsWithoutHeldReportsOrFailureTimes() {
    DeviceState state = new DeviceState("airline-ops");
    state.components.put("channel-291", new DeviceState.Installed("r41", "r40", 1_721_367_000_000L));
    state.recentFailures = java.util.List.of(1_721_367_500_000L);
    state.firstSeenMs = 1_720_000_000_000L;
    byte[] format7 = DeviceStateSerde.write(state);
    int afterFleet = 1 + 1 + "airline-ops".length(); // format, varint length, the fleet id
    byte[] format6 = new byte[format7.length - Long.BYTES]; // no first-seen time
    System.arraycopy(format7, 0, format6, 0, afterFleet);
    System.arraycopy(format7, afterFleet + Long.BYTES, format6, afterFleet, format7.length - afterFleet - Long.BYTES);
    format6[0] = 6;
    DeviceState read6 = DeviceStateSerde.read(format6);
    assertThat(read6.components).isEqualTo(state.components);
    assertThat(read6.firstSeenMs).as("seen from the start: counted in every test").isZero();
    byte[] format5 = java.util.Arrays.copyOf(format6, format6.length - 1); // no flag of earlier dark
    format5[0] = 5;
    DeviceState read5 = DeviceStateSerde.read(format5);
    assertThat(read5.components).isEqualTo(state.components);
    assertThat(read5.lastDarkMs).isZero();
    byte[] format4 = java.util.Arrays.copyOf(format5, format5.length - 1); // no count of held reports
    format4[0] = 4;
    byte[] format3 = java.util.Arrays.copyOf(format4, format4.length - 1 - Long.BYTES); // no count, no time
    format3[0] = 3;

    DeviceState read4 = DeviceStateSerde.read(format4);
    DeviceState read3 = DeviceStateSerde.read(format3);

    assertThat(read4.components).isEqualTo(state.components);
    assertThat(read4.recentFailures).containsExactly(1_721_367_500_000L);
    assertThat(read4.held).isEmpty();
    assertThat(read3.components).isEqualTo(state.components);
    assertThat(read3.recentFailures).isEmpty();
  }

  @Test
  void shouldKeepHeldReportsUntilAHeartbeatDecidesThem() {
    DeviceState state = new DeviceState("airline-ops");
    state.held.add(new DeviceState.HeldReport(1_721_367_500_000L, "0x50/csagent.sys", Map.of("channel-291", "r41")));
    state.held.add(new DeviceState.HeldReport(1_721_367_600_000L, null, Map.of("channel-291", "r41", "sensor", "7.11")));

    DeviceState read = DeviceStateSerde.read(DeviceStateSerde.write(state));

    assertThat(read.held).isEqualTo(state.held);
  }

  @Test
  void shouldReadTheFormerFormatThatCarriedABootId() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(1);
      out.writeUTF("airline-ops");
      out.writeUTF("boot-7");
      out.writeBoolean(true);
      out.writeBoolean(false);
      out.writeByte(1);
      out.writeUTF("channel-291");
      out.writeUTF("r41");
      out.writeUTF("r40");
      out.writeLong(1_721_367_000_000L);
      out.writeByte(0);
      out.writeByte(0);
    }

    DeviceState read = DeviceStateSerde.read(bytes.toByteArray());

    assertThat(read.fleetId).isEqualTo("airline-ops");
    assertThat(read.components).containsEntry("channel-291", new DeviceState.Installed("r41", "r40", 1_721_367_000_000L));
    assertThat(read.indexed).isTrue();
  }

  @Test
  void shouldStoreAndReadBackStringsAndCountsOfAnySize() {
    // writeUTF stops at 64 KB and one-byte counts at 255: neither may stop the stream thread.
    DeviceState state = new DeviceState("f".repeat(70_000));
    for (int i = 0; i < 300; i++) {
      state.components.put("component-" + i, new DeviceState.Installed("v".repeat(70_000) + i, "é€😀" + i, i));
      state.markFailed("component-" + i, "v" + i);
    }

    DeviceState read = DeviceStateSerde.read(DeviceStateSerde.write(state));

    assertThat(read.fleetId).isEqualTo(state.fleetId);
    assertThat(read.components).isEqualTo(state.components);
    assertThat(read.failedOn).isEqualTo(state.failedOn);
  }

  @Test
  void shouldReadThePreviousFormatWithTwoByteStringsAndOneByteCounts() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(2);
      out.writeUTF("airline-ops");
      out.writeBoolean(true);
      out.writeBoolean(true);
      out.writeByte(1);
      out.writeUTF("channel-291");
      out.writeUTF("r41");
      out.writeUTF("");
      out.writeLong(0);
      out.writeByte(1);
      out.writeUTF("channel-291=r41");
      out.writeByte(1);
      out.writeUTF("report-1");
    }

    DeviceState read = DeviceStateSerde.read(bytes.toByteArray());

    assertThat(read.components).containsEntry("channel-291", new DeviceState.Installed("r41", null, 0));
    assertThat(read.dark).isTrue();
    assertThat(read.markFailed("channel-291", "r41")).isFalse();
    assertThat(read.rememberReport("report-1")).isFalse();
  }

  @Test
  void shouldRefuseTruncatedState() {
    byte[] whole = DeviceStateSerde.write(new DeviceState("airline-ops"));
    assertThatThrownBy(() -> DeviceStateSerde.read(java.util.Arrays.copyOf(whole, whole.length - 3)))
        .isInstanceOf(SerializationException.class);
  }

  @Test
  void shouldRefuseAFormatItDoesNotKnow() {
    // A newer detector's state: a restart reads it again, so the detector must stop as a bad config would.
    assertThatThrownBy(() -> DeviceStateSerde.read(new byte[] {9})).isInstanceOf(StateFormatException.class)
        .hasMessageContaining("format 9");
  }
}
