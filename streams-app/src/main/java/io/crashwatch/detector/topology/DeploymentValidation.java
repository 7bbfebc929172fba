package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.InputLimits;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.schemas.Deployment;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Rollout announcements the detector cannot place go to the dead-letter topic. */
final class DeploymentValidation implements FixedKeyProcessor<String, Deployment, Deployment> {
  private final FieldChecks checks;
  private final DetectorMetrics metrics;
  private FixedKeyProcessorContext<String, Deployment> context;

  DeploymentValidation(InputLimits limits, DetectorMetrics metrics) {
    this.checks = new FieldChecks(limits);
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, Deployment> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, Deployment> record) {
    Deployment d = record.value();
    if (d == null) {
      throw new InvalidRecordException("null-value", "a tombstone is not a deployment");
    }
    checks.id("rolloutId", d.getRolloutId());
    checks.identifier("fleetId", d.getFleetId());
    checks.name("component", d.getComponent());
    checks.name("version", d.getVersion());
    if (d.getPreviousVersion() != null) {
      checks.name("previousVersion", d.getPreviousVersion());
    }
    checks.eventTime("startedAt", d.getStartedAt(), record.timestamp(), context.currentSystemTimeMs());
    if (!d.getFleetId().equals(record.key())) {
      throw new InvalidRecordException("key-not-fleet-id", "key '" + record.key() + "' is not the fleetId '" + d.getFleetId() + "'");
    }
    metrics.event("deployment");
    context.forward(record);
  }
}
