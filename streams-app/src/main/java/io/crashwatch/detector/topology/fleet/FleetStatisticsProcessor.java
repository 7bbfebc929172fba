package io.crashwatch.detector.topology.fleet;

import io.crashwatch.detector.config.DetectionRules;
import io.crashwatch.detector.topology.decision.Verdict;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Fleet statistics, one entry per {@code fleet/component}: applies each change as it comes and
 * forwards a {@link Verdict}, keyed {@code component/version}, the moment a version trips — never
 * at a window's close.
 */
public final class FleetStatisticsProcessor implements Processor<String, FleetEvent, String, Verdict> {
  public static final String STORE = "fleet-statistics";

  private final DetectionRules rules;
  private ProcessorContext<String, Verdict> context;
  private KeyValueStore<String, FleetStatistics> store;

  public FleetStatisticsProcessor(DetectionRules rules) {
    this.rules = rules;
  }

  @Override
  public void init(ProcessorContext<String, Verdict> context) {
    this.context = context;
    this.store = context.getStateStore(STORE);
  }

  @Override
  public void process(Record<String, FleetEvent> record) {
    FleetEvent event = record.value();
    FleetStatistics stats = store.get(record.key());
    if (stats == null) {
      String[] fleetAndComponent = record.key().split("/", 2);
      stats = new FleetStatistics(fleetAndComponent[0], fleetAndComponent[1]);
    }
    if (event.resumedVersion() != null) {
      stats.resume(event.resumedVersion());
    } else {
      for (Verdict verdict : stats.apply(event.change(), rules)) {
        context.forward(new Record<>(verdict.component() + "/" + verdict.version(), verdict, record.timestamp()));
      }
    }
    store.put(record.key(), stats);
  }
}
