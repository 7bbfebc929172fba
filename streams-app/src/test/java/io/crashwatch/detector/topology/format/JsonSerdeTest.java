package io.crashwatch.detector.topology.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.detector.topology.fleet.FleetStatistics;
import io.crashwatch.detector.topology.fleet.RolloutTest;
import io.crashwatch.detector.topology.output.KillSwitchState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Stored JSON survives upgrades and rollbacks, and a format the detector cannot read stops it, saying why. */
class JsonSerdeTest {
  private final JsonSerde<KillSwitchState> killSwitch = new JsonSerde<>(KillSwitchState.class);
  private final JsonSerde<FleetStatistics> fleets = new JsonSerde<>(FleetStatistics.class);

  @Test
  void shouldWriteItsFormatIntoEveryRecord() {
    byte[] bytes = killSwitch.serializer().serialize("t", new KillSwitchState());

    assertThat(new String(bytes, StandardCharsets.UTF_8)).startsWith("{\"format\":1,");
  }

  @Test
  void shouldReadKillSwitchStateWrittenBeforeFormatsExisted() throws IOException {
    KillSwitchState state = killSwitch.deserializer().deserialize("t", resource("state-format-0", "kill-switch-state.json"));

    assertThat(state.fleets.get("airline-ops").halted).isTrue();
    assertThat(state.fleets.get("airline-ops").commandId).isEqualTo("halt-airline-ops-channel-291-r41-0");
    assertThat(state.trippedFleets).containsExactly("airline-ops");
    assertThat(state.fleets.get("airline-ops").latest).as("no command kept: nothing to write again").isNull();
  }

  /**
   * Format 1 counted devices at risk since the detector first saw them; format 2 counts them by their
   * last failure, with a test per rollout. An upgrade keeps the devices and what was halted.
   */
  @Test
  void shouldUpgradeFleetStatisticsFromTheFormatBefore() throws IOException {
    FleetStatistics stats = fleets.deserializer().deserialize("t", resource("state-format-1", "fleet-statistics.json"));

    assertThat(stats.versions.get("r40").byRecentFailures).containsExactly(java.util.Map.entry("", 4950L));
    assertThat(stats.versions.get("r40").test).as("never rolled out").isNull();
    RolloutTest halted = stats.versions.get("r41").test;
    assertThat(halted.tripped).isTrue();
    assertThat(halted.startMs).isEqualTo(1721362140000L);
    assertThat(halted.candidate).containsExactly(50, 0, 0, 0);
    assertThat(halted.control).containsExactly(4950, 0, 0, 0);
    assertThat(halted.baseline.historyHours).isEqualTo(4850.5);
    assertThat(halted.baseline.historyFailures).isEqualTo(12);
    // and writes it back in its own format, losing nothing
    FleetStatistics again = fleets.deserializer().deserialize("t", fleets.serializer().serialize("t", stats));
    assertThat(again).usingRecursiveComparison().isEqualTo(stats);
  }

  @Test
  void shouldRefuseFleetStatisticsTwoFormatsOld() {
    byte[] formatZero = "{\"fleetId\":\"airline-ops\",\"versions\":{}}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> fleets.deserializer().deserialize("fleet-statistics-changelog", formatZero))
        .isInstanceOf(StateFormatException.class).hasMessageContaining("format 0").hasMessageContaining("formats 1 and 2");
  }

  @Test
  void shouldTolerateFieldsAddedByANewerDetectorOfTheSameFormat() {
    byte[] withAddedField = "{\"format\":1,\"global\":{\"halted\":true},\"addedLater\":42}".getBytes(StandardCharsets.UTF_8);

    assertThat(killSwitch.deserializer().deserialize("t", withAddedField).global.halted).isTrue();
  }

  @Test
  void shouldRefuseANewerFormatNamingBothVersions() {
    byte[] newer = "{\"format\":3,\"global\":{\"halted\":true}}".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> killSwitch.deserializer().deserialize("kill-switch-state-changelog", newer))
        .isInstanceOf(StateFormatException.class)
        .hasMessageContaining("format 3").hasMessageContaining("formats 0 and 1").hasMessageContaining("newer detector");
  }

  @Test
  void shouldRefuseAFormatThatIsNotAWholeNumber() {
    for (String format : new String[] {"\"1\"", "true", "null", "1.5"}) {
      byte[] odd = ("{\"format\":" + format + ",\"global\":{\"halted\":true}}").getBytes(StandardCharsets.UTF_8);

      assertThatThrownBy(() -> killSwitch.deserializer().deserialize("t", odd)).as(format)
          .isInstanceOf(StateFormatException.class).hasMessageContaining("not a whole number");
    }
  }

  @Test
  void shouldRefuseATypeThatDeclaresNoFormat() {
    assertThatThrownBy(() -> new JsonSerde<>(String.class)).hasMessageContaining("@StateFormat");
  }

  private static byte[] resource(String directory, String name) throws IOException {
    try (InputStream in = JsonSerdeTest.class.getResourceAsStream("/" + directory + "/" + name)) {
      return in.readAllBytes();
    }
  }
}
