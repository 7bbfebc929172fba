package io.crashwatch.detector.topology.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * crashwatch's own meters, on whichever Micrometer registry the detector serves (Prometheus on
 * {@code /metrics}): input events by type, dead letters by reason, halts, devices gone dark and how
 * long a decision took. The topology records into it and knows nothing of how it is served. Later
 * rules add their meters here.
 */
public final class DetectorMetrics {
  /**
   * Key under which the detector hands this object to the exception handlers Kafka Streams creates
   * by class name, through the streams configuration.
   */
  public static final String CONFIG = "crashwatch.metrics";

  private final MeterRegistry registry;
  private final Map<String, Counter> events = new ConcurrentHashMap<>();
  private final Map<String, Counter> deadLetters = new ConcurrentHashMap<>();
  private final Map<String, Counter> halts = new ConcurrentHashMap<>();
  private final Map<String, Counter> fleetMarksRefused = new ConcurrentHashMap<>();
  /** By fleet label: tests, tripped, alpha spent, false halts, as the health task's store holds them. */
  private final Map<String, double[]> fleetTrials = new ConcurrentHashMap<>();
  private final Map<String, java.util.List<io.micrometer.core.instrument.Meter>> fleetTrialMeters = new ConcurrentHashMap<>();
  private final Map<Integer, AtomicLong> leaseProceedUntilMs = new ConcurrentHashMap<>();
  private final Counter darkDevices;
  private final Counter untrustedEvidence;
  private final Counter forgottenDevices;
  private final Counter killSwitchTampered;
  private final Timer decisionLatency;

  public DetectorMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.darkDevices = Counter.builder("crashwatch.dark.devices")
        .description("Devices declared dark: silent for dark-after on a caught-up partition").register(registry);
    this.forgottenDevices = Counter.builder("crashwatch.forgotten.devices")
        .description("Devices silent (dark or asleep) for device-ttl, removed from device state and the fleet's counts")
        .register(registry);
    this.untrustedEvidence = Counter.builder("crashwatch.untrusted.evidence")
        .description("Crash reports refused as evidence: their device was never seen heartbeating on the version they name")
        .register(registry);
    this.killSwitchTampered = Counter.builder("crashwatch.kill.switch.tampered")
        .description("Kill-switch records read back that are not a target's latest command: replayed, forged, unsigned, tombstones")
        .register(registry);
    this.decisionLatency = Timer.builder("crashwatch.decision.latency")
        .description("From the event time of the failure that tipped a test to the HALT command")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofMinutes(10))
        .register(registry);
  }

  /** Meters nobody reads: for topologies built without a served registry, e.g. in tests of other things. */
  public static DetectorMetrics unserved() {
    return new DetectorMetrics(new SimpleMeterRegistry());
  }

  /** The instance the detector put in the streams configuration, or an unserved one. */
  public static DetectorMetrics from(Map<String, ?> configs) {
    return configs.get(CONFIG) instanceof DetectorMetrics metrics ? metrics : unserved();
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** An input event that passed validation: {@code heartbeat}, {@code crash-report}, … */
  public void event(String type) {
    events.computeIfAbsent(type, t -> Counter.builder("crashwatch.events")
        .description("Input events accepted, by type").tag("type", t).register(registry)).increment();
  }

  /** A record sent to the dead-letter topic, by its stable reason code. */
  public void deadLetter(String reason) {
    deadLetters.computeIfAbsent(reason, r -> Counter.builder("crashwatch.dead.letters")
        .description("Input records sent to the dead-letter topic, by reason").tag("reason", r).register(registry))
        .increment();
  }

  /**
   * A value on the fleets topic that is signed but not a mark the detector obeys (forged, unknown key, replayed,
   * malformed): the fleet stays listed and enforced. A global store writes no dead letter, so this counts them.
   */
  public void fleetMarkRefused(String reason) {
    fleetMarksRefused.computeIfAbsent(reason, r -> Counter.builder("crashwatch.fleet.marks.refused")
        .description("Signed values on the fleets topic not obeyed as a SHADOW or ENFORCE mark, by reason")
        .tag("reason", r).register(registry)).increment();
  }

  /**
   * A fleet's false-halt account (or the sum of the fleets under one label), read from the store that keeps it:
   * gauges, since the store and not this instance's uptime is what they count. Only the instance running the
   * health task reports them.
   */
  public void fleetTrials(String fleet, long tests, long tripped, double alphaSpent, long falseHalts) {
    double[] figures = fleetTrials.computeIfAbsent(fleet, f -> {
      double[] values = new double[4];
      fleetTrialMeters.put(f, java.util.List.of(
          Gauge.builder("crashwatch.fleet.tests", values, v -> v[0]).tag("fleet", f)
              .description("Tests run in the fleet: rollouts of a version judged there, each at alpha").register(registry),
          Gauge.builder("crashwatch.fleet.tests.tripped", values, v -> v[1]).tag("fleet", f)
              .description("Tests in the fleet that tripped (a HALT of the fleet's target)").register(registry),
          Gauge.builder("crashwatch.fleet.alpha.spent", values, v -> v[2]).tag("fleet", f)
              .description("The alpha the fleet's tests spent: the false halts expected at most").register(registry),
          Gauge.builder("crashwatch.fleet.false.halts", values, v -> v[3]).tag("fleet", f)
              .description("HALTs in the fleet an operator lifted as false (resume --false-halt)").register(registry)));
      return values;
    });
    figures[0] = tests;
    figures[1] = tripped;
    figures[2] = alphaSpent;
    figures[3] = falseHalts;
  }

  /** This instance no longer runs the health task: its accounts are another's to report. */
  public void forgetFleetTrials() {
    fleetTrialMeters.values().forEach(meters -> meters.forEach(registry::remove));
    fleetTrialMeters.clear();
    fleetTrials.clear();
  }

  /** A HALT command, {@code latencyMs} after the event that decided it. */
  public void halt(String scope, String reason, long latencyMs) {
    halts.computeIfAbsent(scope + "/" + reason, k -> Counter.builder("crashwatch.halts")
        .description("HALT commands emitted").tag("scope", scope).tag("reason", reason).register(registry))
        .increment();
    decisionLatency.record(Duration.ofMillis(Math.max(0, latencyMs)));
  }

  /**
   * A lease issued for a heartbeat partition: rollouts may proceed on it until {@code proceedUntilMs}
   * (its end when caught up, its issue time when behind). Per partition, the latest this instance issued:
   * the highest across instances is the partition's, since the health task may move.
   */
  public void lease(int partition, long proceedUntilMs) {
    leaseProceedUntilMs.computeIfAbsent(partition, p -> {
      AtomicLong until = new AtomicLong();
      Gauge.builder("crashwatch.lease.proceed.until", until, u -> u.get() / 1000.0)
          .description("Until when the latest lease of a heartbeat partition lets rollouts proceed (epoch seconds)")
          .baseUnit("seconds").tag("partition", Integer.toString(p)).register(registry);
      return until;
    }).set(proceedUntilMs);
  }

  public void darkDevice() {
    darkDevices.increment();
  }

  public void forgottenDevice() {
    forgottenDevices.increment();
  }

  public void killSwitchTampered() {
    killSwitchTampered.increment();
  }

  public void untrustedEvidence() {
    untrustedEvidence.increment();
  }
}
