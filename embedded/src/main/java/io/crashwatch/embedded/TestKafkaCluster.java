package io.crashwatch.embedded;

import java.util.Properties;
import java.util.UUID;

/** Where tests find the shared Kafka cluster and schema registry; see {@link KafkaClusterExtension}. */
public interface TestKafkaCluster {

  /** {@code host:port} for {@code bootstrap.servers}. */
  String bootstrapServers();

  /** Base URL for {@code schema.registry.url}. */
  String schemaRegistryUrl();

  /** A producer that waits for every replica: what a test sends is there when it looks. */
  default Properties producerConfig() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    p.put("acks", "all");
    return p;
  }

  /**
   * A consumer in a group of its own, from the earliest offset, reading committed records only: what
   * the detector's transactions committed, as a rollout service or an analyst sees it.
   */
  default Properties readCommittedConsumerConfig() {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrapServers());
    p.put("group.id", "it-" + UUID.randomUUID());
    p.put("auto.offset.reset", "earliest");
    p.put("isolation.level", "read_committed");
    return p;
  }
}
