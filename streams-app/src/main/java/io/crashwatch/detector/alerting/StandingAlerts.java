package io.crashwatch.detector.alerting;

import io.crashwatch.detector.topology.alerts.ActiveAlert;
import io.crashwatch.detector.topology.alerts.ActiveAlertsProcessor;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The alerts that stand in this instance's active tasks, by interactive query: standbys never deliver, so an
 * alert is sent by the one instance whose task holds it.
 */
public final class StandingAlerts implements AlertDelivery.Standing {
  private final KafkaStreams streams;

  public StandingAlerts(KafkaStreams streams) {
    this.streams = streams;
  }

  @Override
  public Optional<Map<String, ActiveAlert>> get() {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
      return Optional.empty();
    }
    try {
      ReadOnlyKeyValueStore<String, ActiveAlert> store = streams.store(
          StoreQueryParameters.fromNameAndType(ActiveAlertsProcessor.STORE, QueryableStoreTypes.keyValueStore()));
      Map<String, ActiveAlert> alerts = new HashMap<>();
      try (KeyValueIterator<String, ActiveAlert> all = store.all()) {
        all.forEachRemaining(kv -> alerts.put(kv.key, kv.value));
      }
      return Optional.of(alerts);
    } catch (InvalidStateStoreException e) {
      return Optional.empty(); // restoring or moving: asked again at the next round
    }
  }
}
