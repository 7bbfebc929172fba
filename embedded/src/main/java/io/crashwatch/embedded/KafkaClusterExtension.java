package io.crashwatch.embedded;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension giving tests a Kafka cluster and a schema registry, started once per JVM, shared by
 * every test class, and closed when the test run ends.
 *
 * <p>Kafka runs in Docker ({@value DockerKafka#IMAGE}) when Testcontainers is on the test classpath and
 * finds an engine, otherwise in-process ({@link EmbeddedKafkaBroker}); the registry is always
 * {@link EmbeddedSchemaRegistry}. Use either form:
 * <pre>{@code
 * @ExtendWith(KafkaClusterExtension.class)
 * class SomeIT {
 *   SomeIT(TestKafkaCluster cluster) { ... }     // or as a @BeforeAll / @Test parameter
 * }
 *
 * class OtherIT {
 *   @RegisterExtension static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();
 *   ... CLUSTER.bootstrapServers() ... CLUSTER.schemaRegistryUrl() ...
 * }
 * }</pre>
 */
public final class KafkaClusterExtension implements BeforeAllCallback, ParameterResolver, TestKafkaCluster {

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaClusterExtension.class);

  private volatile TestKafkaCluster cluster;

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = shared(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == TestKafkaCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    // Constructor parameters of PER_CLASS test instances are resolved before beforeAll runs.
    return shared(context);
  }

  @Override
  public String bootstrapServers() {
    return started().bootstrapServers();
  }

  @Override
  public String schemaRegistryUrl() {
    return started().schemaRegistryUrl();
  }

  private TestKafkaCluster started() {
    TestKafkaCluster started = cluster;
    if (started == null) {
      throw new IllegalStateException("The test Kafka cluster starts in beforeAll: register this extension on a"
          + " static field and use it from @BeforeAll or later");
    }
    return started;
  }

  /** The root store outlives every test class and closes AutoCloseable values at the end of the run. */
  private static TestKafkaCluster shared(ExtensionContext context) {
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedKafkaCluster.class, key -> SharedKafkaCluster.start(), SharedKafkaCluster.class);
  }
}
