package io.crashwatch.detector.topology.health;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static io.crashwatch.detector.topology.routing.ProcessorHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.UntrustedReports;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.schemas.SreAlert;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/** Refused evidence from every task adds up to one UNTRUSTED_EVIDENCE alert: fired once, re-sent as it doubles, resolved once. */
class DetectorHealthProcessorTest {
  private static final long NOW = Instant.parse("2024-07-19T04:09:00Z").toEpochMilli();

  private final DetectionRules rules = DetectionRules.defaults();
  private final MockProcessorContext<String, SreAlert> context = new MockProcessorContext<>();
  private final DetectorHealthProcessor processor = new DetectorHealthProcessor(rules);

  DetectorHealthProcessorTest() {
    addStore(context, DetectorHealthProcessor.STORE, Serdes.String(), new JsonSerde<>(DetectorHealth.class));
    context.setCurrentSystemTimeMs(NOW);
    processor.init(context);
  }

  @Test
  void shouldFireOnceEnoughReportsAreRefusedAcrossTasksAndAgainEachTimeTheyDouble() {
    int minDevices = rules.minDevices();
    tally(minDevices - 1, "device-1"); // one task
    assertThat(alerts()).as("fewer than could trip a version").isEmpty();

    tally(1, "device-2"); // another task, maybe another instance
    tally(minDevices - 1, "device-3");
    tally(minDevices + 1, "device-4");

    assertThat(alerts()).extracting(a -> a.getAlertId() + " " + a.getKind() + " " + a.getStatus())
        .containsExactly("untrusted-evidence UNTRUSTED_EVIDENCE FIRING", "untrusted-evidence UNTRUSTED_EVIDENCE FIRING");
    assertThat(alerts().get(0).getSummary()).startsWith(minDevices + " crash reports").contains("device-1");
    assertThat(alerts().get(1).getSummary()).startsWith(3 * minDevices + " crash reports");
  }

  @Test
  void shouldResolveOnceAfterAQuietHourAndCountAfreshAfter() {
    tally(rules.minDevices(), "device-1");
    punctuate(NOW + DetectorHealthProcessor.QUIET.toMillis() - 60_000);
    assertThat(alerts()).extracting(SreAlert::getStatus).containsExactly(AlertStatus.FIRING);

    punctuate(NOW + DetectorHealthProcessor.QUIET.toMillis());
    punctuate(NOW + DetectorHealthProcessor.QUIET.toMillis() + 60_000);
    assertThat(alerts()).extracting(SreAlert::getStatus).containsExactly(AlertStatus.FIRING, AlertStatus.RESOLVED);

    context.resetForwards();
    tally(rules.minDevices() - 1, "device-9");
    assertThat(alerts()).as("counting started over").isEmpty();
  }

  /** Reports that trickle in, fewer than could trip a version in any hour, never add up to an alert. */
  @Test
  void shouldForgetAFewRefusedReportsAfterAQuietHour() {
    for (int hour = 0; hour < 3 * rules.minDevices(); hour++) {
      long at = NOW + hour * (DetectorHealthProcessor.QUIET.toMillis() + 60_000);
      context.setCurrentSystemTimeMs(at);
      processor.process(new Record<>(HealthReport.KEY, HealthReport.of(new UntrustedReports(1, "airline-ops", "device-1", "why", at)), at));
      punctuate(at + DetectorHealthProcessor.QUIET.toMillis());
    }
    assertThat(alerts()).isEmpty();
  }

  /** Every component of a fleet sees the same incident: one alert, resolved when the last of them sees it end. */
  @Test
  void shouldRaiseOneIncidentAlertPerFleetWhateverTheNumberOfComponentsSeeingIt() {
    incident("airline-ops", "channel-291", true);
    incident("airline-ops", "sensor", true);
    incident("north-stores", "sensor", true);
    incident("airline-ops", "channel-291", false);
    List<SreAlert> whileOne = List.copyOf(context.forwarded().stream().map(f -> (SreAlert) f.record().value()).toList());
    incident("airline-ops", "sensor", false);

    assertThat(whileOne).extracting(a -> a.getAlertId() + " " + a.getStatus())
        .containsExactly("fleet-incident/airline-ops FIRING", "fleet-incident/north-stores FIRING");
    assertThat(forwarded(context, DetectorHealthProcessor.ALERTS)).extracting(r -> r.value().getKind() + " " + r.value().getStatus())
        .containsExactly("FLEET_INCIDENT FIRING", "FLEET_INCIDENT FIRING", "FLEET_INCIDENT RESOLVED");
  }

  private void incident(String fleet, String component, boolean firing) {
    processor.process(new Record<>(HealthReport.KEY,
        HealthReport.of(new FleetIncident(fleet, component, firing, 40, NOW, NOW)), NOW));
  }

  private void tally(int reports, String device) {
    processor.process(new Record<>(HealthReport.KEY,
        HealthReport.of(new UntrustedReports(reports, "airline-ops", device, "never seen heartbeating", NOW)), NOW));
  }

  private void punctuate(long wallMs) {
    context.setCurrentSystemTimeMs(wallMs);
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(wallMs);
  }

  private List<SreAlert> alerts() {
    return forwarded(context, DetectorHealthProcessor.ALERTS).stream().map(Record::value)
        .peek(a -> assertThat(a.getKind()).isEqualTo(AlertKind.UNTRUSTED_EVIDENCE)).toList();
  }
}
