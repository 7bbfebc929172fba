package io.crashwatch.detector.topology.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.killswitch.Target;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The records that travel through the repartition topics keep their JSON to the byte, whichever
 * package their classes live in: during a rolling upgrade, instances of both builds read each
 * other's records. The expected strings were written by the detector before the model package; fields
 * added since (a device's last failure, the version it runs now) come last, and readers of the same
 * format skip fields they do not know.
 */
class RepartitionFormatTest {
  private static final DeviceChange CRASH = new DeviceChange(DeviceChange.Kind.FAILED, "f", "c", "v", "p", true, "d", 3,
      true, DeviceChange.Failure.CRASH, "0x50/m", 42, java.util.List.of(40L, 30L), "w", true, false, 7);
  private static final String CRASH_JSON = "{\"kind\":\"FAILED\",\"fleetId\":\"f\",\"component\":\"c\",\"version\":\"v\","
      + "\"previous\":\"p\",\"previousFailed\":true,\"deviceId\":\"d\",\"devices\":3,\"firstFailure\":true,"
      + "\"failure\":\"CRASH\",\"signature\":\"0x50/m\",\"atMs\":42,\"recentFailuresMs\":[40,30],\"currentVersion\":\"w\",\"specific\":true,\"unblamed\":false,"
      + "\"deviceFirstSeenMs\":7}";

  @Test
  void shouldWriteFleetEventsAsBefore() {
    assertThat(json(FleetEvent.class, FleetEvent.of(CRASH))).isEqualTo("{\"format\":2,\"change\":" + CRASH_JSON
        + ",\"resumedVersion\":null,\"announcedVersion\":null,\"announcedAtMs\":0,\"announcedPrevious\":null}");
    assertThat(json(FleetEvent.class, FleetEvent.resume("v2")))
        .isEqualTo("{\"format\":2,\"change\":null,\"resumedVersion\":\"v2\",\"announcedVersion\":null,\"announcedAtMs\":0,\"announcedPrevious\":null}");
    assertThat(json(FleetEvent.class, FleetEvent.announce("v3", 7, "v2")))
        .isEqualTo("{\"format\":2,\"change\":null,\"resumedVersion\":null,\"announcedVersion\":\"v3\",\"announcedAtMs\":7,\"announcedPrevious\":\"v2\"}");
  }

  /** Format 2 can carry a device that LEFT; a fleet event written in format 1 is read as it was. */
  @Test
  void shouldReadFleetEventsOfTheFormatBefore() {
    String before = "{\"format\":1,\"change\":" + CRASH_JSON.replace(",\"specific\":true,\"unblamed\":false,\"deviceFirstSeenMs\":7", "")
        + ",\"resumedVersion\":null,\"announcedVersion\":null,\"announcedAtMs\":0}";

    FleetEvent read = new JsonSerde<>(FleetEvent.class).deserializer().deserialize("t", before.getBytes(StandardCharsets.UTF_8));

    assertThat(read.change().kind()).isEqualTo(DeviceChange.Kind.FAILED);
    assertThat(read.change().recentFailuresMs()).containsExactly(40L, 30L);
    assertThat(read.change().unblamed()).as("before attribution every failure was blamed").isFalse();
    assertThat(read.change().deviceFirstSeenMs()).as("seen from the start: counted in every test").isZero();
    assertThat(read.announcedPrevious()).isNull();
  }

  @Test
  void shouldWriteKillSwitchInputsAsBefore() {
    Verdict verdict = new Verdict("f", "c", "v", "CRASH_SPIKE", 2,
        new EvidenceData(1, 2, 3, 4, 5, 0.5, "CONTROL", 6, 0.25, 2.0, 1000.5, 1000, "0x50/m", 99), 123, 456);
    OperatorRequest resume = new OperatorRequest("id", "RESUME", Target.parse("*/c/v"), "a", "r", 5, "k", "h");

    assertThat(json(KillSwitchInput.class, KillSwitchInput.of(verdict))).isEqualTo("{\"format\":4,\"verdict\":{"
        + "\"fleetId\":\"f\",\"component\":\"c\",\"version\":\"v\",\"reason\":\"CRASH_SPIKE\",\"epoch\":2,\"evidence\":{"
        + "\"devicesOnVersion\":1,\"failedDevices\":2,\"crashedDevices\":3,\"darkDevices\":4,\"uncleanReboots\":5,"
        + "\"failureRate\":0.5,\"comparison\":\"CONTROL\",\"controlDevices\":6,\"controlRate\":0.25,\"rateRatio\":2.0,"
        + "\"testStatistic\":1000.5,\"threshold\":1000.0,\"topSignature\":\"0x50/m\",\"firstFailureMs\":99},"
        + "\"decidedAtMs\":123,\"fleetSeenSinceMs\":456},\"operator\":null,\"evidence\":null,\"cannotJudge\":null,"
        + "\"readBack\":null}");
    assertThat(json(KillSwitchInput.class, KillSwitchInput.of(resume))).isEqualTo("{\"format\":4,\"verdict\":null,"
        + "\"operator\":{\"commandId\":\"id\",\"action\":\"RESUME\",\"target\":{\"fleetId\":null,\"component\":\"c\","
        + "\"version\":\"v\"},\"actor\":\"a\",\"reason\":\"r\",\"issuedAtMs\":5,\"keyId\":\"k\",\"lifts\":\"h\",\"falseHalt\":false},"
        + "\"evidence\":null,\"cannotJudge\":null,"
        + "\"readBack\":null}");
    assertThat(json(KillSwitchInput.class, KillSwitchInput.of(new PooledEvidence("f", "c", "v", List.of(0.5), List.of(-1.0)))))
        .isEqualTo("{\"format\":4,\"verdict\":null,\"operator\":null,\"evidence\":{\"fleetId\":\"f\",\"component\":\"c\","
            + "\"version\":\"v\",\"control\":[0.5],\"baseline\":[-1.0]},\"cannotJudge\":null,\"readBack\":null}");
    assertThat(json(KillSwitchInput.class, KillSwitchInput.of(ReadBack.verified(Target.parse("f/c/v"), 7, "ab12"))))
        .isEqualTo("{\"format\":4,\"verdict\":null,\"operator\":null,\"evidence\":null,\"cannotJudge\":null,"
            + "\"readBack\":{\"target\":{\"fleetId\":\"f\",\"component\":\"c\",\"version\":\"v\"},\"sequence\":7,"
            + "\"keyId\":\"ab12\",\"rejected\":null}}");
  }

  /** Format 3, still in the repartition topic after an upgrade, reads as it was: without a read-back. */
  @Test
  void shouldReadKillSwitchInputsOfTheFormatBefore() {
    String before = "{\"format\":3,\"verdict\":null,\"operator\":null,\"evidence\":null,\"cannotJudge\":{\"fleetId\":\"f\","
        + "\"component\":\"c\",\"version\":\"v\",\"evidence\":null,\"decidedAtMs\":123,\"over\":false}}";

    KillSwitchInput read = new JsonSerde<>(KillSwitchInput.class).deserializer().deserialize("t", before.getBytes(StandardCharsets.UTF_8));

    assertThat(read.cannotJudge()).isEqualTo(new CannotJudge("f", "c", "v", null, 123, false));
    assertThat(read.readBack()).isNull();
  }

  @Test
  void shouldWriteRateSamplesAndCrashesAsBefore() {
    assertThat(json(RateSample.class, new RateSample("f", "c", "v", 9, "CRASH", 11, "0x50/csagent.sys", "d1"))).isEqualTo(
        "{\"format\":1,\"fleetId\":\"f\",\"component\":\"c\",\"version\":\"v\",\"devices\":9,\"failure\":\"CRASH\",\"atMs\":11,"
            + "\"signature\":\"0x50/csagent.sys\",\"deviceId\":\"d1\"}");
    // a sample written before samples carried signatures is read as one of no signature
    String before = "{\"format\":1,\"fleetId\":\"f\",\"component\":\"c\",\"version\":\"v\",\"devices\":9,\"failure\":\"DARK\",\"atMs\":11}";
    assertThat(new JsonSerde<>(RateSample.class).deserializer().deserialize("t", before.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new RateSample("f", "c", "v", 9, "DARK", 11));
    assertThat(json(DeviceChange.class, CRASH)).isEqualTo("{\"format\":1," + CRASH_JSON.substring(1));
  }

  @Test
  void shouldReadAChangeWrittenBeforeDevicesCarriedTheirLastFailure() {
    String before = "{\"format\":1," + CRASH_JSON.substring(1, CRASH_JSON.indexOf(",\"recentFailuresMs\"")) + "}";

    DeviceChange read = new JsonSerde<>(DeviceChange.class).deserializer().deserialize("t", before.getBytes(StandardCharsets.UTF_8));

    assertThat(read.recentFailuresMs()).as("no failure known").isEmpty();
    assertThat(read.currentVersion()).isNull();
    assertThat(read.atMs()).isEqualTo(42);
  }

  @Test
  void shouldReadWhatItWrites() {
    JsonSerde<FleetEvent> serde = new JsonSerde<>(FleetEvent.class);

    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", FleetEvent.of(CRASH))))
        .isEqualTo(FleetEvent.of(CRASH));
  }

  private static <T> String json(Class<T> type, T value) {
    return new String(new JsonSerde<>(type).serializer().serialize("t", value), StandardCharsets.UTF_8);
  }
}
