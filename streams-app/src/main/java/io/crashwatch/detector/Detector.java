package io.crashwatch.detector;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.DetectorMetrics;
import io.crashwatch.detector.topology.DetectorTopology;
import io.crashwatch.detector.topology.StateFormatException;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.apache.kafka.streams.ThreadMetadata;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running detector: topics provisioned, the topology started with exactly-once, {@code /health}
 * served. This is the public entry point; the command line, the demo and the scenario runner all
 * start the detector through it.
 */
public final class Detector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Detector.class);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private HealthServer health;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  /** Every state Kafka Streams entered, in order: a test asserts the detector never left RUNNING. */
  private final List<KafkaStreams.State> states = new CopyOnWriteArrayList<>();
  /** Why the stream threads stopped, for /health and the exit message; null while nothing failed. */
  private volatile String failure;

  private Detector(KafkaStreams streams, KafkaStreamsMetrics streamsMetrics) {
    this.streams = streams;
    this.streamsMetrics = streamsMetrics;
  }

  /** Provisions topics, checks co-partitioning and starts processing; returns once started. */
  public static Detector start(DetectorSettings settings) throws InterruptedException {
    StreamsConfig streamsConfig = new StreamsConfig(settings.streamsConfig());
    try (Admin admin = Admin.create(streamsConfig.getAdminConfigs("crashwatch-provisioner"))) {
      new TopicProvisioner(admin, settings).provision();
    }
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    DetectorMetrics metrics = new DetectorMetrics(registry);
    Properties properties = settings.streamsConfig();
    // The exception handlers are created by Kafka Streams from class names: they find the meters here.
    properties.put(DetectorMetrics.CONFIG, metrics);
    KafkaStreams streams = new KafkaStreams(DetectorTopology.build(settings, metrics), properties);
    KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Detector detector = new Detector(streams, streamsMetrics);
    try {
      detector.health = new HealthServer(settings.httpPort(), streams::state, () -> detector.failure, registry::scrape);
    } catch (IOException e) {
      streams.close();
      throw new UncheckedIOException("Cannot serve /health on port " + settings.httpPort() + ": " + e.getMessage(), e);
    }
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
      // Bad input never gets here (exception handlers and the dead-letter topic take it); this
      // is a bug or a broken cluster, so stop and let the supervisor restart us from committed state.
      detector.failure = describe(e);
      LOG.error("Stream thread failed; shutting the detector down: {}", detector.failure, e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    LOG.info("crashwatch detector started; health on http://0.0.0.0:{}/health", detector.health.port());
    return detector;
  }

  /**
   * What stopped processing, in words an operator can act on: a state format this detector cannot
   * read is named as such, anything else by its innermost message.
   */
  static String describe(Throwable error) {
    Throwable innermost = error;
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof StateFormatException) {
        return "unreadable state: " + t.getMessage();
      }
      innermost = t;
    }
    return innermost.getClass().getSimpleName() + ": " + innermost.getMessage();
  }

  /** Why the detector stopped processing, or empty while it has not failed. */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
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
    return health.port();
  }

  /** Waits until the detector processes (RUNNING), e.g. before a demo starts producing. */
  public void awaitRunning(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    // Poll both latches: a detector that fails while starting must not hold us for the whole timeout.
    while (!running.await(100, TimeUnit.MILLISECONDS)) {
      if (stopped.getCount() == 0) {
        throw new IllegalStateException("Detector stopped before it was running: " + streams.state());
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("Detector not RUNNING after " + timeout + ": " + streams.state());
      }
    }
  }

  /** Blocks until the detector stops: closed, or its stream threads failed. */
  public boolean awaitStopped() throws InterruptedException {
    stopped.await();
    return streams.state() != KafkaStreams.State.ERROR;
  }

  @Override
  public void close() {
    LOG.info("Stopping crashwatch detector");
    streams.close(CLOSE_TIMEOUT);
    streamsMetrics.close();
    health.close();
    stopped.countDown();
  }
}
