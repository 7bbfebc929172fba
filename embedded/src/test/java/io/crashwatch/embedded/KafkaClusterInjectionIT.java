package io.crashwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaClusterExtension.class)
class KafkaClusterInjectionIT {

  private static TestKafkaCluster fromBeforeAll;

  private final TestKafkaCluster fromConstructor;

  KafkaClusterInjectionIT(TestKafkaCluster cluster) {
    this.fromConstructor = cluster;
  }

  @BeforeAll
  static void remember(TestKafkaCluster cluster) {
    fromBeforeAll = cluster;
  }

  @Test
  void shouldInjectOneSharedClusterEverywhere(TestKafkaCluster fromMethod) {
    assertThat(fromConstructor).isSameAs(fromBeforeAll).isSameAs(fromMethod);
    assertThat(fromMethod.bootstrapServers()).startsWith("127.0.0.1:").doesNotEndWith(":0");
    assertThat(fromMethod.schemaRegistryUrl()).startsWith("http://127.0.0.1:");
  }
}
