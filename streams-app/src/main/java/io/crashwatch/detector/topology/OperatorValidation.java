package io.crashwatch.detector.topology;

import io.crashwatch.detector.topology.output.KillSwitchInput.OperatorRequest;
import io.crashwatch.schemas.OperatorCommand;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Operator commands with a malformed target, or keyed by another target, go to the dead-letter topic. */
final class OperatorValidation implements FixedKeyProcessor<String, OperatorCommand, OperatorRequest> {
  private FixedKeyProcessorContext<String, OperatorRequest> context;

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
    OperatorRequest request;
    try {
      request = OperatorRequest.from(command);
    } catch (IllegalArgumentException e) {
      throw new InvalidRecordException("invalid-target", e.getMessage());
    }
    if (!command.getTarget().equals(record.key())) {
      throw new InvalidRecordException("key-not-target", "key '" + record.key() + "' is not the target '" + command.getTarget() + "'");
    }
    context.forward(record.withValue(request));
  }
}
