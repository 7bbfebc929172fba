package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.InputLimits;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.OperatorRequest;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.OperatorCommand;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Operator commands with a malformed target, or keyed by another target, go to the dead-letter topic. */
final class OperatorValidation implements FixedKeyProcessor<String, OperatorCommand, OperatorRequest> {
  private final FieldChecks checks;
  private final DetectorMetrics metrics;
  private FixedKeyProcessorContext<String, OperatorRequest> context;

  OperatorValidation(InputLimits limits, DetectorMetrics metrics) {
    this.checks = new FieldChecks(limits);
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, OperatorRequest> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<String, OperatorCommand> record) {
    OperatorCommand command = record.value();
    if (command == null) {
      throw new InvalidRecordException("null-value", "a tombstone is not an operator command");
    }
    checks.id("commandId", command.getCommandId());
    checks.text("actor", command.getActor());
    checks.text("reason", command.getReason());
    checks.eventTime("issuedAt", command.getIssuedAt(), record.timestamp(), context.currentSystemTimeMs());
    OperatorRequest request;
    try {
      request = OperatorRequest.from(command);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("invalid-target", e.getMessage());
    }
    Target target = request.target();
    if (!target.isGlobal()) {
      checks.identifier("target fleetId", target.fleetId());
    }
    checks.name("target component", target.component());
    checks.name("target version", target.version());
    if (!command.getTarget().equals(record.key())) {
      throw new InvalidRecordException("key-not-target", "key '" + record.key() + "' is not the target '" + command.getTarget() + "'");
    }
    metrics.event("operator-command");
    context.forward(record.withValue(request));
  }
}
