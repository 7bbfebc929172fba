package io.crashwatch.detector.topology.health;

import static io.crashwatch.detector.topology.routing.ProcessorHarness.addStore;
import static io.crashwatch.detector.topology.routing.ProcessorHarness.forwarded;
import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.format.JsonSerde;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.FleetIncident;
import io.crashwatch.detector.topology.model.FleetTrial;
import io.crashwatch.detector.topology.model.HealthReport;
import io.crashwatch.detector.topology.model.PartitionLiveness;
import io.crashwatch.detector.topology.model.UntrustedReports;
import io.crashwatch.schemas.AlertKind;
import io.crashwatch.schemas.AlertStatus;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.schemas.KillSwitchLease;
import io.crashwatch.schemas.SreAlert;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * What every task sees adds up to one alert for the whole application: UNTRUSTED_EVIDENCE (fired once,
 * re-sent as it doubles, resolved once), FLEET_INCIDENT, TELEMETRY_OUTAGE and DETECTOR_LAGGING.
 */
class DetectorHealthProcessorTest {
  private static final long NOW = Instant.parse("2024-07-19T04:09:00Z").toEpochMilli();

  private final DetectionRules rules = DetectionRules.defaults();
  private final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final DetectorHealthProcessor processor = new DetectorHealthProcessor(rules, 2, new DetectorMetrics(meters));

  DetectorHealthProcessorTest() {
    addStore(context, DetectorHealthProcessor.STORE, Serdes.String(), new JsonSerde<>(DetectorHealth.class));
    addStore(context, DetectorHealthProcessor.TRIALS_STORE, Serdes.String(), new JsonSerde<>(FleetTrials.class));
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

  /**
   * Two instances own a partition each: input stops on both, one TELEMETRY_OUTAGE fires — not one per
   * task or instance — and resolves once when either has input again.
   */
  @Test
  void shouldRaiseOneTelemetryOutageForTheWholeApplication() {
    long silence = rules.inputSilence().toMillis();
    liveness(0, true, NOW, true, NOW, NOW);
    liveness(1, true, NOW, true, NOW, NOW);
    liveness(0, false, NOW + silence, true, NOW, NOW + silence);
    liveness(1, false, NOW + silence, true, NOW, NOW + silence);
    liveness(1, false, NOW + silence, true, NOW + silence + 2_000, NOW + silence + 2_000); // input again

    assertThat(inputAlerts()).containsExactly("telemetry-outage TELEMETRY_OUTAGE FIRING",
        "telemetry-outage TELEMETRY_OUTAGE RESOLVED");
  }

  /** An empty topic at the start is neither an outage nor a lag. */
  @Test
  void shouldRaiseNoOutageBeforeAnyPartitionHasHadInput() {
    for (long t = NOW; t <= NOW + 10 * rules.inputSilence().toMillis(); t += rules.heartbeatInterval().toMillis() / 2) {
      liveness(0, false, NOW, false, NOW, t); // nothing to read: never caught up, never had input
      liveness(1, false, NOW, false, NOW, t);
    }

    assertThat(inputAlerts()).isEmpty();
  }

  /**
   * A partition with input not read to its end for input-silence is a lag, one alert for every
   * partition behind; so is a partition nobody reports on any more (its task is gone). Resolved once
   * every partition is read to its end and reported on again.
   */
  @Test
  void shouldRaiseOneDetectorLaggingWhileAnyPartitionIsBehindOrUnheardOf() {
    long tolerance = rules.inputSilence().toMillis();
    long interval = rules.heartbeatInterval().toMillis();
    liveness(0, true, NOW, true, NOW, NOW);
    liveness(1, false, NOW, true, NOW, NOW); // behind, catching up on a backlog
    for (long t = NOW; t < NOW + tolerance; t += interval / 2) {
      liveness(0, true, NOW, true, t, t);
      liveness(1, false, NOW, true, t, t);
    }
    assertThat(inputAlerts()).as("behind for less than input-silence").isEmpty();
    liveness(1, false, NOW, true, NOW + tolerance, NOW + tolerance);
    liveness(1, true, NOW + tolerance + 1_000, true, NOW + tolerance + 1_000, NOW + tolerance + 1_000);
    for (long t = NOW + tolerance + 1_000; t < NOW + 3 * tolerance; t += interval / 2) {
      liveness(1, true, NOW + tolerance + 1_000, true, t, t); // partition 0's task says nothing any more
    }
    liveness(0, true, NOW + 3 * tolerance, true, NOW + 3 * tolerance, NOW + 3 * tolerance); // its new owner

    assertThat(inputAlerts()).containsExactly("detector-lagging DETECTOR_LAGGING FIRING",
        "detector-lagging DETECTOR_LAGGING RESOLVED", "detector-lagging DETECTOR_LAGGING FIRING",
        "detector-lagging DETECTOR_LAGGING RESOLVED");
    assertThat(forwarded(context, DetectorHealthProcessor.ALERTS).get(0).value().getLabels())
        .containsEntry("partitions", "[1]");
    assertThat(forwarded(context, DetectorHealthProcessor.ALERTS).get(2).value().getLabels())
        .containsEntry("partitions", "[0]");
  }

  /**
   * Each partition's liveness report renews its lease, signed at the sink: valid for lease-duration
   * from when its task said so, with the task's own view of whether it is caught up.
   */
  @Test
  void shouldLeaseEachPartitionForLeaseDurationFromItsTasksLatestReport() {
    long lease = rules.leaseDuration().toMillis();
    liveness(0, true, NOW, true, NOW, NOW);
    liveness(1, false, NOW, true, NOW, NOW + 500); // behind: leased, but not caught up

    List<Record<String, KillSwitchLease>> leases = forwarded(context, DetectorHealthProcessor.LEASES);
    assertThat(leases).extracting(Record::key).containsExactly("0", "1");
    assertThat(leases).extracting(Record::value).containsExactly(
        new KillSwitchLease(0, 2, true, Instant.ofEpochMilli(NOW), Instant.ofEpochMilli(NOW + lease)),
        new KillSwitchLease(1, 2, false, Instant.ofEpochMilli(NOW + 500), Instant.ofEpochMilli(NOW + 500 + lease)));
    assertThat(SignatureHeaders.sequence(leases.get(1).headers())).as("sequence: when it was issued").isEqualTo(NOW + 500);
  }

  /**
   * Until when each partition's latest lease lets rollouts proceed, as a gauge: its end when caught up,
   * its issue time when behind. An alert outside the detector compares it with the clock, so it fires
   * when rollouts pause even when the detector cannot say so.
   */
  @Test
  void shouldShowUntilWhenEachPartitionsLeaseLetsRolloutsProceed() {
    liveness(0, true, NOW, true, NOW, NOW);
    liveness(1, false, NOW, true, NOW, NOW + 500);

    assertThat(meters.get("crashwatch.lease.proceed.until").tag("partition", "0").gauge().value())
        .isEqualTo((NOW + rules.leaseDuration().toMillis()) / 1000.0);
    assertThat(meters.get("crashwatch.lease.proceed.until").tag("partition", "1").gauge().value())
        .as("behind: rollouts wait from the moment it was issued").isEqualTo((NOW + 500) / 1000.0);

    liveness(1, true, NOW + 2_000, true, NOW + 2_000, NOW + 2_000);
    assertThat(meters.get("crashwatch.lease.proceed.until").tag("partition", "1").gauge().value())
        .isEqualTo((NOW + 2_000 + rules.leaseDuration().toMillis()) / 1000.0);
  }

  /**
   * A report read after its lease would have run out — the health task was behind on its own input,
   * or stood still — renews nothing: the partition's lease goes stale, and rollouts pause.
   */
  @Test
  void shouldNotLeaseAPartitionFromAReportReadTooLate() {
    long lease = rules.leaseDuration().toMillis();
    PartitionLiveness old = new PartitionLiveness(0, true, NOW, true, NOW, NOW);
    context.setCurrentSystemTimeMs(NOW + lease);
    processor.process(new Record<>(HealthReport.KEY, HealthReport.of(old), NOW));

    assertThat(forwarded(context, DetectorHealthProcessor.LEASES)).isEmpty();
  }

  private void liveness(int partition, boolean caughtUp, long sinceMs, boolean hadInput, long lastInputMs, long atMs) {
    context.setCurrentSystemTimeMs(atMs);
    processor.process(new Record<>(HealthReport.KEY,
        HealthReport.of(new PartitionLiveness(partition, caughtUp, sinceMs, hadInput, lastInputMs, atMs)), atMs));
  }

  private List<String> inputAlerts() {
    return forwarded(context, DetectorHealthProcessor.ALERTS).stream().map(Record::value)
        .map(a -> a.getAlertId() + " " + a.getKind() + " " + a.getStatus()).toList();
  }

  private void incident(String fleet, String component, boolean firing) {
    processor.process(new Record<>(HealthReport.KEY,
        HealthReport.of(new FleetIncident(fleet, component, firing, 40, NOW, NOW)), NOW));
  }

  /**
   * The false-halt accounts live in the store, not in the instance: the task's next owner reports them as they
   * were, and the owner it left stops reporting them, so the gauges never show a fleet twice or from zero.
   */
  @Test
  void shouldReportTheFleetsAccountsFromTheStoreWhereverTheTaskRuns() {
    processor.process(new Record<>(HealthReport.KEY, HealthReport.of(FleetTrial.started("west", 0.001)), NOW));
    processor.process(new Record<>(HealthReport.KEY, HealthReport.of(FleetTrial.started("west", 0.01)), NOW));
    processor.process(new Record<>(HealthReport.KEY, HealthReport.of(FleetTrial.tripped("west")), NOW));
    processor.process(new Record<>(HealthReport.KEY, HealthReport.of(FleetTrial.falseHalt("west")), NOW));
    assertThat(meters.get("crashwatch.fleet.alpha.spent").tag("fleet", DetectorHealthProcessor.OTHER_FLEETS).gauge().value())
        .isEqualTo(0.011, org.assertj.core.api.Assertions.within(1e-12));

    processor.close();
    assertThat(meters.find("crashwatch.fleet.tests").gauges()).as("moved away").isEmpty();
    MeterRegistry elsewhere = new SimpleMeterRegistry();
    new DetectorHealthProcessor(rules, 2, new DetectorMetrics(elsewhere)).init(context);
    assertThat(List.of("crashwatch.fleet.tests", "crashwatch.fleet.tests.tripped", "crashwatch.fleet.false.halts").stream()
        .map(name -> elsewhere.get(name).tag("fleet", DetectorHealthProcessor.OTHER_FLEETS).gauge().value()).toList())
        .containsExactly(2.0, 1.0, 1.0);
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
