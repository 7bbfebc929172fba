package io.crashwatch.detector.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.crashwatch.detector.config.InputLimits;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The limits at the door, rule by rule: what passes, and the reason of what does not. */
class InputValidationTest {
  private static final Instant NOW = Instant.parse("2024-07-19T04:09:00Z");
  private static final long NOW_MS = NOW.toEpochMilli();

  private final InputValidation<Heartbeat> heartbeats = InputValidation.heartbeats(InputLimits.defaults(), DetectorMetrics.unserved());
  private final InputValidation<CrashReport> reports = InputValidation.crashReports(InputLimits.defaults(), DetectorMetrics.unserved());

  @Test
  void shouldPassAnOrdinaryHeartbeatAndCrashReport() {
    assertThatCode(() -> heartbeats.check("device-1", heartbeat(), NOW_MS, NOW_MS)).doesNotThrowAnyException();
    assertThatCode(() -> reports.check("device-1", report(), NOW_MS, NOW_MS)).doesNotThrowAnyException();
  }

  @Test
  void shouldAcceptIdsAndNamesUpToTheirLimits() {
    Heartbeat hb = heartbeat();
    hb.setDeviceId("d".repeat(128));
    hb.setComponents(Map.of("c".repeat(64), "v".repeat(64)));

    assertThatCode(() -> heartbeats.check(hb.getDeviceId(), hb, NOW_MS, NOW_MS)).doesNotThrowAnyException();
  }

  @Test
  void shouldRejectAVersionOfSeventyThousandCharacters() {
    Heartbeat hb = heartbeat();
    hb.setComponents(Map.of("channel-291", "r".repeat(70_000)));

    assertThat(reason(hb)).isEqualTo("too-long");
  }

  @Test
  void shouldRejectIdsNamesAndTextOverTheirLimits() {
    Heartbeat longDevice = heartbeat();
    longDevice.setDeviceId("d".repeat(129));
    Heartbeat longFleet = heartbeat();
    longFleet.setFleetId("f".repeat(129));
    Heartbeat longComponent = heartbeat();
    longComponent.setComponents(Map.of("c".repeat(65), "r41"));
    Heartbeat longOs = heartbeat();
    longOs.setOsBuild("o".repeat(257));
    CrashReport longReportId = report();
    longReportId.setReportId("r".repeat(129));
    CrashReport longModule = report();
    longModule.setFaultingModule("m".repeat(257));

    assertThat(reason(longDevice)).isEqualTo("too-long");
    assertThat(reason(longFleet)).isEqualTo("too-long");
    assertThat(reason(longComponent)).isEqualTo("too-long");
    assertThat(reason(longOs)).isEqualTo("too-long");
    assertThat(reason(longReportId)).isEqualTo("too-long");
    assertThat(reason(longModule)).isEqualTo("too-long");
  }

  @Test
  void shouldRejectMoreComponentsThanTheLimit() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      many.put("component-" + i, "1.0");
    }
    Heartbeat hb = heartbeat();
    hb.setComponents(many);
    CrashReport report = report();
    report.setComponents(many);

    assertThat(reason(hb)).isEqualTo("too-many-components");
    assertThat(reason(report)).isEqualTo("too-many-components");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a/b", "*", "line\nbreak", "nul\u0000", "esc\u001b[31m", "sep\u2028", "broken\ud800"})
  void shouldRejectSlashesStarsAndControlCharactersInIdentifiers(String bad) {
    Heartbeat fleet = heartbeat();
    fleet.setFleetId(bad);
    Heartbeat component = heartbeat();
    component.setComponents(Map.of(bad, "r41"));
    Heartbeat version = heartbeat();
    version.setComponents(Map.of("channel-291", bad));

    assertThat(reason(fleet)).isEqualTo("invalid-characters");
    assertThat(reason(component)).isEqualTo("invalid-characters");
    assertThat(reason(version)).isEqualTo("invalid-characters");
  }

  @Test
  void shouldAcceptNonAsciiNamesButNotControlCharactersInText() {
    Heartbeat hb = heartbeat();
    hb.setFleetId("flotte-é-😀");
    Heartbeat os = heartbeat();
    os.setOsBuild("10.0\r\n");

    assertThatCode(() -> heartbeats.check("device-1", hb, NOW_MS, NOW_MS)).doesNotThrowAnyException();
    assertThat(reason(os)).isEqualTo("invalid-characters");
  }

  @Test
  void shouldRejectMissingIdsAndAKeyThatIsNotTheDevice() {
    Heartbeat noDevice = heartbeat();
    noDevice.setDeviceId(" ");
    Heartbeat noFleet = heartbeat();
    noFleet.setFleetId("");
    CrashReport noReportId = report();
    noReportId.setReportId("");

    assertThat(reason(noDevice)).isEqualTo("missing-device-id");
    assertThat(reason(noFleet)).isEqualTo("missing-fleet-id");
    assertThat(reason(noReportId)).isEqualTo("missing-report-id");
    assertThat(catchThrowableOfType(InvalidRecordException.class,
        () -> heartbeats.check("device-2", heartbeat(), NOW_MS, NOW_MS)).reason()).isEqualTo("key-not-device-id");
  }

  @Test
  void shouldJudgeEventTimeAgainstTheRecordTimestamp() {
    Heartbeat ahead = heartbeat();
    ahead.setSentAt(NOW.plus(Duration.ofMinutes(6)));
    Heartbeat slightlyAhead = heartbeat();
    slightlyAhead.setSentAt(NOW.plus(Duration.ofMinutes(4)));
    CrashReport uploadedSixDaysLater = report();
    uploadedSixDaysLater.setCrashedAt(NOW.minus(Duration.ofDays(6)));
    CrashReport eightDaysOld = report();
    eightDaysOld.setCrashedAt(NOW.minus(Duration.ofDays(8)));
    long wallClockLater = NOW_MS + Duration.ofDays(30).toMillis(); // a detector replaying a backlog

    assertThat(catchThrowableOfType(InvalidRecordException.class,
        () -> heartbeats.check("device-1", ahead, NOW_MS, wallClockLater)).reason()).isEqualTo("future-timestamp");
    assertThatCode(() -> heartbeats.check("device-1", slightlyAhead, NOW_MS, wallClockLater)).doesNotThrowAnyException();
    assertThatCode(() -> reports.check("device-1", uploadedSixDaysLater, NOW_MS, wallClockLater)).doesNotThrowAnyException();
    assertThat(catchThrowableOfType(InvalidRecordException.class,
        () -> reports.check("device-1", eightDaysOld, NOW_MS, wallClockLater)).reason()).isEqualTo("too-old");
  }

  @Test
  void shouldNotLetAForgedRecordTimestampCarryAFutureEventTime() {
    Heartbeat future = heartbeat();
    future.setSentAt(NOW.plus(Duration.ofDays(1)));
    long forgedRecordTime = NOW_MS + Duration.ofDays(1).toMillis();

    assertThat(catchThrowableOfType(InvalidRecordException.class,
        () -> heartbeats.check("device-1", future, forgedRecordTime, NOW_MS)).reason()).isEqualTo("future-timestamp");
  }

  @Test
  void shouldTakeItsLimitsFromSettings() {
    InputLimits tight = new InputLimits(16, 4, 1, 16, Duration.ofMinutes(5), Duration.ofDays(7));
    Heartbeat hb = heartbeat();
    hb.setComponents(Map.of("sensor", "7.11.18110"));

    assertThat(catchThrowableOfType(InvalidRecordException.class,
        () -> InputValidation.heartbeats(tight, DetectorMetrics.unserved()).check("device-1", hb, NOW_MS, NOW_MS)))
        .hasMessageContaining("max-name-length");
  }

  private String reason(Heartbeat hb) {
    return catchThrowableOfType(InvalidRecordException.class,
        () -> heartbeats.check(hb.getDeviceId(), hb, NOW_MS, NOW_MS)).reason();
  }

  private String reason(CrashReport report) {
    return catchThrowableOfType(InvalidRecordException.class,
        () -> reports.check(report.getDeviceId(), report, NOW_MS, NOW_MS)).reason();
  }

  private static Heartbeat heartbeat() {
    return Heartbeat.newBuilder()
        .setDeviceId("device-1").setFleetId("airline-ops").setSentAt(NOW)
        .setBootId("boot-1").setUptimeMs(1000).setOsBuild("19045.4651")
        .setComponents(new HashMap<>(Map.of("sensor", "7.11.18110", "channel-291", "r41")))
        .setReason(HeartbeatReason.PERIODIC).build();
  }

  private static CrashReport report() {
    return CrashReport.newBuilder()
        .setReportId("report-1").setDeviceId("device-1").setFleetId("airline-ops")
        .setCrashedAt(NOW).setBugcheckCode(0x50).setFaultingModule("csagent.sys").setOsBuild("19045.4651")
        .setComponents(null).build();
  }
}
