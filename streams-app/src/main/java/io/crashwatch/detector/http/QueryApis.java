package io.crashwatch.detector.http;

import io.crashwatch.detector.config.DetectorSettings;
import io.javalin.config.RoutesConfig;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The read-only query routes of the detector's HTTP server, the status and the analysts' ones, over one view of
 * the instances. They are routed before Kafka Streams exists (its address is the server's) and answer 503 until
 * {@link #serve} is called.
 */
public final class QueryApis {
  private final StatusApi status = new StatusApi();
  private final AnalyticsApi analytics = new AnalyticsApi();

  public List<Consumer<RoutesConfig>> routes() {
    return List.of(status, analytics);
  }

  /** From now on the routes answer from {@code streams}' stores, for an instance the others reach at {@code self}. */
  public void serve(Supplier<KafkaStreams> streams, HostInfo self, DetectorSettings settings) {
    Instances instances = new Instances(streams, self, new Peers(settings.http().token()));
    StatusQueries statusQueries = new StatusQueries(instances, settings);
    status.serve(statusQueries);
    analytics.serve(new AnalyticsQueries(instances, statusQueries, settings));
  }
}
