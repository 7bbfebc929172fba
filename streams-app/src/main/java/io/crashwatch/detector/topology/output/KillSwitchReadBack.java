package io.crashwatch.detector.topology.output;

import io.crashwatch.detector.topology.model.KillSwitchInput;
import io.crashwatch.detector.topology.model.ReadBack;
import io.crashwatch.detector.topology.model.VersionKey;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.killswitch.RejectedRecord;
import io.crashwatch.killswitch.SignatureHeaders;
import io.crashwatch.killswitch.Target;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the detector's own kill-switch topic back, raw, and verifies each record as a rollout service
 * would; sends what it found to the kill switch that owns the target ({@link KillSwitchProcessor}),
 * keyed by component/version. It never throws: whoever can write the topic can write anything to it.
 */
public final class KillSwitchReadBack implements Processor<String, byte[], String, KillSwitchInput> {
  private static final Logger LOG = LoggerFactory.getLogger(KillSwitchReadBack.class);

  private final String topic;
  private final KillSwitchVerifier verifier;
  private ProcessorContext<String, KillSwitchInput> context;

  /** @param verifier the detector's own public key(s) */
  public KillSwitchReadBack(String topic, KillSwitchVerifier verifier) {
    this.topic = topic;
    this.verifier = verifier;
  }

  @Override
  public void init(ProcessorContext<String, KillSwitchInput> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    Target target;
    try {
      target = Target.parse(record.key());
    } catch (IllegalArgumentException e) {
      // No target: no rollout service applies it, and compaction cannot let it stand in for a command.
      LOG.warn("kill-switch record with key {} is for no target; ignored", record.key() == null ? null
          : record.key().replaceAll("\\p{Cntrl}", "?"));
      return;
    }
    ReadBack readBack;
    try {
      long sequence = verifier.verify(topic, record.key(), record.value(), record.headers());
      readBack = ReadBack.verified(target, sequence, SignatureHeaders.keyId(record.headers()));
    } catch (RejectedRecord e) {
      readBack = ReadBack.rejected(target, e.reason() + ": " + e.getMessage());
    }
    context.forward(new Record<>(VersionKey.of(target).toString(), KillSwitchInput.of(readBack), record.timestamp()));
  }
}
