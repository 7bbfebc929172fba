package io.crashwatch.embedded;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Kafka in a Docker container through Testcontainers. Testcontainers is an optional dependency:
 * callers check that it is on the classpath before touching this class.
 */
final class DockerKafka implements AutoCloseable {

  static final String IMAGE = "apache/kafka:4.1.1";

  private final KafkaContainer container;

  private DockerKafka(KafkaContainer container) {
    this.container = container;
  }

  /** Whether a Docker engine answers within {@code timeout}; the probe runs aside so it cannot hang a test run. */
  static boolean available(Duration timeout) throws InterruptedException {
    FutureTask<Boolean> probe = new FutureTask<>(() -> DockerClientFactory.instance().isDockerAvailable());
    Thread thread = new Thread(probe, "docker-probe");
    thread.setDaemon(true);
    thread.start();
    try {
      return probe.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return false;
    }
  }

  static DockerKafka start() {
    KafkaContainer container = new KafkaContainer(IMAGE);
    container.start();
    return new DockerKafka(container);
  }

  String bootstrapServers() {
    return container.getBootstrapServers();
  }

  @Override
  public void close() {
    container.close();
  }
}
