package io.crashwatch.embedded;

/** Where tests find the shared Kafka cluster and schema registry; see {@link KafkaClusterExtension}. */
public interface TestKafkaCluster {

  /** {@code host:port} for {@code bootstrap.servers}. */
  String bootstrapServers();

  /** Base URL for {@code schema.registry.url}. */
  String schemaRegistryUrl();
}
