package io.crashwatch.detector;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.DetectorTopology;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
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
  private final HealthServer health;
  private final CountDownLatch running = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);

  private Detector(KafkaStreams streams, HealthServer health) {
    this.streams = streams;
    this.health = health;
  }

  /** Provisions topics, checks co-partitioning and starts processing; returns once started. */
  public static Detector start(DetectorSettings settings) throws InterruptedException {
    StreamsConfig streamsConfig = new StreamsConfig(settings.streamsConfig());
    try (Admin admin = Admin.create(streamsConfig.getAdminConfigs("crashwatch-provisioner"))) {
      new TopicProvisioner(admin, settings).provision();
    }
    KafkaStreams streams = new KafkaStreams(DetectorTopology.build(settings), settings.streamsConfig());
    HealthServer health;
    try {
      health = new HealthServer(settings.httpPort(), streams::state);
    } catch (IOException e) {
      streams.close();
      throw new UncheckedIOException("Cannot serve /health on port " + settings.httpPort() + ": " + e.getMessage(), e);
    }
    Detector detector = new Detector(streams, health);
    streams.setStateListener((now, before) -> {
      LOG.info("Kafka Streams {} -> {}", before, now);
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
      LOG.error("Stream thread failed; shutting the detector down", e);
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.start();
    LOG.info("crashwatch detector started; health on http://0.0.0.0:{}/health", health.port());
    return detector;
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
    health.close();
    stopped.countDown();
  }
}
