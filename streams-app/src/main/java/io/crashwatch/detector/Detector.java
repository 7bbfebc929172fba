package io.crashwatch.detector;

import io.crashwatch.detector.alerting.AlertDelivery;
import io.crashwatch.detector.alerting.StandingAlerts;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.http.DetectorHttpServer;
import io.crashwatch.detector.http.QueryApis;
import io.crashwatch.detector.topology.metrics.DetectorMetrics;
import io.crashwatch.detector.topology.DetectorTopology;
import io.crashwatch.detector.topology.Topics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.crashwatch.serde.AvroSerdeConfig;
import io.crashwatch.serde.SchemaRegistryClient;
import io.crashwatch.serde.SchemaRegistryClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running detector: topics provisioned, the topology started with exactly-once once the schema
 * registry answers, its HTTP server (health, metrics, the status API) served. This is the public entry point; the command line, the demo
 * and the scenario runner all start the detector through it.
 */
public final class Detector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Detector.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** The longest wait between two attempts to reach a registry that is down at start. */
  private static final long MAX_REGISTRY_WAIT_MS = 30_000;
  private static final Map<String, String> REGISTRY_UNREACHABLE = Map.of("registry", "unreachable");

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final PartitionEnds lag;
  private final DetectorHttpServer http;
  /** Null without Alertmanager: alerts stay on the alerts topic. */
  private final AlertDelivery delivery;
  private final RegistryGate registryGate;
  private final SchemaRegistryClient registry;
  private final Thread starter;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final AtomicReference<StopCause> stopCause = new AtomicReference<>();
  /** Every state Kafka Streams entered, in order: a test asserts the detector never left RUNNING. */
  private final List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
  private final Object lifecycle = new Object();
  private boolean closing; // guarded by lifecycle

  private Detector(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics, RegistryGate registryGate,
                   SchemaRegistryClient registry, PartitionEnds lag, DetectorHttpServer http, AlertDelivery delivery) {
    this.streams = streams;
    this.http = http;
    this.delivery = delivery;
    this.lag = lag;
    this.registry = registry;
    this.streamsMetrics = streamsMetrics;
    this.registryGate = registryGate;
    this.starter = new Thread(this::startWhenRegistryAnswers, "crashwatch-start");
    this.starter.setDaemon(true);
  }

  /**
   * Provisions topics, checks co-partitioning and serves {@code /health}; processing starts, in the
   * background, as soon as the schema registry answers. {@link #awaitRunning} waits for it.
   */
  public static Detector start(DetectorSettings settings) throws InterruptedException {
    settings.killSwitchSigner(); // it never runs unsigned: a missing key stops it before it touches the cluster
    StreamsConfig given = new StreamsConfig(settings.streamsConfig());
    int heartbeatPartitions;
    try (Admin admin = Admin.create(given.getAdminConfigs("crashwatch-provisioner"))) {
      heartbeatPartitions = new TopicProvisioner(admin, settings).provision();
    }
    AvroSerdeConfig serdeConfig = AvroSerdeConfig.of(settings.serdeConfig());
    SchemaRegistryClient registry = SchemaRegistryClients.create(serdeConfig);
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig(), registry);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DetectorMetrics metrics = new DetectorMetrics(meters);
    // The server listens before Kafka Streams exists: its address (the port may be chosen now) is what the
    // other instances are told to reach this one at, for keys it holds.
    AtomicReference<Detector> self = new AtomicReference<>();
    QueryApis apis = new QueryApis();
    DetectorHttpServer http;
    try {
      http = new DetectorHttpServer(settings.http(), DetectorHttpServer.probes(
          () -> self.get() == null ? null : self.get().streams.state(),
          () -> self.get() == null ? Map.of() : self.get().problems(), meters::scrape), apis.routes());
    } catch (RuntimeException e) {
      throw new IllegalStateException("Cannot serve HTTP on " + settings.http().bind() + ":" + settings.http().port()
          + ": " + e.getMessage(), e);
    }
    KafkaStreams streams;
    KafkaStreamsMetrics streamsMetrics;
    PartitionEnds lag;
    try {
      Properties streamsProperties = DetectorTopology.streamsConfig(settings, metrics);
      streamsProperties.putIfAbsent(StreamsConfig.APPLICATION_SERVER_CONFIG, settings.http().advertisedAddress(http.port()));
      lag = PartitionEnds.sampling(Admin.create(given.getAdminConfigs("crashwatch-partition-ends")),
          settings.topics().heartbeats(), heartbeatPartitions, settings.rules().heartbeatInterval());
      streams = new KafkaStreams(DetectorTopology.build(settings, topics, metrics, lag, heartbeatPartitions), streamsProperties);
      KafkaStreams queried = streams;
      apis.serve(() -> queried,
          HostInfo.buildFromEndpoint(streamsProperties.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG)), settings);
      streamsMetrics = new KafkaStreamsMetrics(streams);
    } catch (RuntimeException e) {
      http.close();
      throw e;
    }
    streamsMetrics.bindTo(meters);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    RegistryGate gate = new RegistryGate(registry, serdeConfig.retryBackoffMs(), MAX_REGISTRY_WAIT_MS, Thread::sleep);
    AlertDelivery delivery = settings.alerting().enabled()
        ? AlertDelivery.start(settings.alerting(), statusUrl(settings, http), new StandingAlerts(streams), meters) : null;
    Detector detector = new Detector(streams, streamsMetrics, gate, registry, lag, http, delivery);
    self.set(detector);
    streams.setStateListener((now, before) -> {
      LOG.info("Kafka Streams {} -> {}", before, now);
      detector.states.add(now);
      if (now == KafkaStreams.State.RUNNING) {
        detector.running.countDown();
      }
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
        detector.stopped.countDown();
      }
    });
    streams.setUncaughtExceptionHandler(e -> {
      // Bad input never gets here (exception handlers and the dead-letter topic take it): this is a
      // registry that cannot be reached or refuses us, a bug or a broken cluster. Stop without
      // committing; the exit code tells the supervisor whether a restart can help.
      StopCause cause = StopCause.of(e);
      detector.stopCause.compareAndSet(null, cause);
      LOG.error("Stream thread failed; shutting the detector down: {}", cause.message(), e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    detector.starter.start();
    LOG.info("crashwatch detector starting; health on http://{}:{}/health", settings.http().bind(), http.port());
    return detector;
  }

  /** Where a person paged reaches the status API: the setting, or this instance's own address. */
  private static String statusUrl(DetectorSettings settings, DetectorHttpServer http) {
    return settings.alerting().statusUrl() != null ? settings.alerting().statusUrl().toString()
        : "http://" + settings.http().advertisedAddress(http.port());
  }

  private void startWhenRegistryAnswers() {
    try {
      registryGate.awaitAnswer();
      synchronized (lifecycle) {
        if (!closing) {
          streams.start();
        }
      }
    } catch (InterruptedException e) {
      // Closed while waiting for the registry: nothing was started.
    } catch (RuntimeException e) {
      StopCause cause = StopCause.of(e);
      stopCause.compareAndSet(null, cause);
      LOG.error("crashwatch detector cannot start: {}", cause.message());
      stopped.countDown();
    }
  }

  /** What keeps the detector from being ready besides its state, for /health: cheap, called per request. */
  private Map<String, String> problems() {
    StopCause cause = stopCause.get();
    if (cause != null) {
      return Map.of("error", cause.message());
    }
    return registry.isReachable() ? Map.of() : REGISTRY_UNREACHABLE;
  }

  /** The states Kafka Streams has entered since start, oldest first. */
  public List<KafkaStreams.State> stateHistory() {
    return List.copyOf(states);
  }

  /** Names of the stream threads now running: a replaced thread comes back under a new name. */
  public Set<String> streamThreadNames() {
    return streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadName).collect(Collectors.toSet());
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public int httpPort() {
    return http.port();
  }

  /** Why the detector stopped on its own (a failed stream thread, a registry refusing it), if it did. */
  Optional<StopCause> stopCause() {
    return Optional.ofNullable(stopCause.get());
  }

  /** Waits until the detector processes (RUNNING), e.g. before a demo starts producing. */
  public void awaitRunning(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Poll both latches: a detector that fails while starting must not hold us for the whole timeout.
    while (!running.await(100, TimeUnit.MILLISECONDS)) {
      if (stopped.getCount() == 0) {
        throw new IllegalStateException("Detector stopped before it was running: "
            + stopCause().map(StopCause::message).orElse(streams.state().toString()));
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("Detector not RUNNING after " + timeout + ": " + streams.state());
      }
    }
  }

  /** Blocks until the detector stops: closed, or failed; true when it was closed without failing. */
  public boolean awaitStopped() throws InterruptedException {
    stopped.await();
    return stopCause.get() == null && streams.state() != KafkaStreams.State.ERROR;
  }

  @Override
  public void close() {
    LOG.info("Stopping crashwatch detector");
    synchronized (lifecycle) {
      closing = true;
    }
    starter.interrupt(); // stops waiting for the registry, if it still is
    // Leave the group: the other instances' standbys take the tasks over at once. Without it the tasks of a
    // static member (group.instance.id, as the StatefulSet runs it) go unprocessed until its session times
    // out, and rollouts pause for it; a restarted pod comes back to its state on its volume either way.
    streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
        .withTimeout(CLOSE_TIMEOUT));
    if (delivery != null) {
      delivery.close(); // what stands here stays in the store, for whichever instance takes the tasks
    }
    lag.close();
    streamsMetrics.close();
    http.close();
    stopped.countDown();
  }
}
