package io.crashwatch.detector.topology;

import io.crashwatch.schemas.Deployment;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Rollout announcements the detector cannot place go to the dead-letter topic. */
final class DeploymentValidation implements FixedKeyProcessor<String, Deployment, Deployment> {
  private FixedKeyProcessorContext<String, Deployment> context;

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
    for (String id : new String[] {d.getFleetId(), d.getComponent(), d.getVersion()}) {
      if (id == null || id.isBlank() || id.contains("/") || id.equals("*")) {
        throw new InvalidRecordException("invalid-deployment",
            "fleet, component and version must be non-empty, without '/' and not '*': " + d);
      }
    }
    if (!d.getFleetId().equals(record.key())) {
      throw new InvalidRecordException("key-not-fleet-id", "key '" + record.key() + "' is not the fleetId '" + d.getFleetId() + "'");
    }
    context.forward(record);
  }
}
