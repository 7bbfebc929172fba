package io.crashwatch.embedded;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one test cluster of a JVM: Kafka in Docker when Testcontainers finds an engine, otherwise the
 * in-process broker, plus an in-process schema registry either way.
 */
final class SharedKafkaCluster implements TestKafkaCluster, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(SharedKafkaCluster.class);
  private static final String TESTCONTAINERS_PROBE = "org.testcontainers.DockerClientFactory";
  private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(10);

  private final String bootstrapServers;
  private final Runnable stopKafka;
  private final EmbeddedSchemaRegistry registry;

  private SharedKafkaCluster(String bootstrapServers, Runnable stopKafka, EmbeddedSchemaRegistry registry) {
    this.bootstrapServers = bootstrapServers;
    this.stopKafka = stopKafka;
    this.registry = registry;
  }

  static SharedKafkaCluster start() {
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start();
    try {
      String why = dockerUnavailableReason();
      SharedKafkaCluster cluster;
      if (why == null) {
        DockerKafka docker = DockerKafka.start();
        cluster = new SharedKafkaCluster(docker.bootstrapServers(), docker::close, registry);
        log.info("Test Kafka cluster: Docker container {} at {}", DockerKafka.IMAGE, cluster.bootstrapServers);
      } else {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        cluster = new SharedKafkaCluster(broker.bootstrapServers(), broker::close, registry);
        log.info("Test Kafka cluster: in-process broker at {} ({})", cluster.bootstrapServers, why);
      }
      log.info("Test schema registry at {}", registry.url());
      return cluster;
    } catch (Throwable e) { // also undeclared checked exceptions from Testcontainers
      registry.close();
      throw e;
    }
  }

  @Override
  public String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public String schemaRegistryUrl() {
    return registry.url();
  }

  @Override
  public void close() {
    try {
      stopKafka.run();
    } finally {
      registry.close();
    }
  }

  /** Null when Docker can be used, otherwise why not. */
  private static String dockerUnavailableReason() {
    try {
      Class.forName(TESTCONTAINERS_PROBE, false, SharedKafkaCluster.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      return "Testcontainers is not on the classpath";
    }
    try {
      return DockerKafka.available(DOCKER_PROBE_TIMEOUT) ? null : "no Docker engine answered";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while probing for Docker";
    } catch (LinkageError e) {
      return "Testcontainers cannot load: " + e;
    }
  }
}
