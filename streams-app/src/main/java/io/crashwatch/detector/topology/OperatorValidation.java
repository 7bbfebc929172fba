package io.crashwatch.detector.topology;

import io.crashwatch.detector.config.InputLimits;
import io.crashwatch.detector.config.OperatorTrust;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.model.OperatorRequest;
import io.crashwatch.detector.topology.rejects.InvalidRecordException;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.killswitch.Target;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.OperatorCommand;
import java.time.Duration;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Operator commands, once {@link OperatorSignatures} verified them, go to the dead-letter topic when
 * they have a malformed target or are keyed by another target, are older than
 * {@code operator-command-max-age} (a signed command kept and written again later), repeat a commandId
 * already obeyed within that window, or are a RESUME that does not name the HALT it lifts.
 */
final class OperatorValidation implements FixedKeyProcessor<String, OperatorCommand, OperatorRequest> {
  /** commandId → issuedAt of the commands obeyed within operator-command-max-age, on each target's partition. */
  static final String SEEN_STORE = "operator-command-ids";
  private static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);

  private final FieldChecks checks;
  private final InputLimits limits;
  private final OperatorTrust trust;
  private final DetectorMetrics metrics;
  private FixedKeyProcessorContext<String, OperatorRequest> context;
  private KeyValueStore<String, Long> seen;

  OperatorValidation(InputLimits limits, OperatorTrust trust, DetectorMetrics metrics) {
    this.checks = new FieldChecks(limits);
    this.limits = limits;
    this.trust = trust;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<String, OperatorRequest> context) {
    this.context = context;
    this.seen = context.getStateStore(SEEN_STORE);
    context.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::purge);
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
    long now = context.currentSystemTimeMs();
    checks.eventTime("issuedAt", command.getIssuedAt(), record.timestamp(), now);
    long age = now - command.getIssuedAt().toEpochMilli();
    if (age > trust.maxAge().toMillis()) {
      throw new InvalidRecordException("operator-stale", "issued " + Duration.ofMillis(age).toSeconds()
          + " s ago, longer than operator-command-max-age: a command is obeyed only while fresh");
    }
    if (seen.get(command.getCommandId()) != null) {
      throw new InvalidRecordException("operator-duplicate", "commandId " + command.getCommandId() + " was obeyed already");
    }
    String keyId = SignatureHeaders.keyId(record.headers());
    OperatorRequest request;
    try {
      request = OperatorRequest.from(command, keyId, trust.operator(keyId));
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
    if (command.getAction() == OperatorAction.RESUME) {
      checks.id("lifts", command.getLifts() == null ? "" : command.getLifts());
    }
    seen.put(command.getCommandId(), command.getIssuedAt().toEpochMilli());
    metrics.event("operator-command");
    context.forward(record.withValue(request));
  }

  /** Forgets commandIds past the window: a copy of one of those is refused as stale instead. */
  private void purge(long now) {
    long before = now - trust.maxAge().toMillis() - limits.maxClockSkew().toMillis();
    try (KeyValueIterator<String, Long> all = seen.all()) {
      while (all.hasNext()) {
        KeyValue<String, Long> entry = all.next();
        if (entry.value < before) {
          seen.delete(entry.key);
        }
      }
    }
  }
}
