package io.crashwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaClusterExtensionIT {

  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @Test
  void shouldAnswerDescribeClusterOnTheInjectedCluster(TestKafkaCluster cluster) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).isNotEmpty();
    }
  }

  @Test
  void shouldInjectTheClusterTheRegisteredExtensionExposes(TestKafkaCluster cluster) {
    assertThat(cluster.bootstrapServers()).isEqualTo(CLUSTER.bootstrapServers());
    assertThat(cluster.schemaRegistryUrl()).isEqualTo(CLUSTER.schemaRegistryUrl());
  }

  @Test
  void shouldServeTheSchemaRegistryAtItsUrl() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(CLUSTER.schemaRegistryUrl() + "/config")).build(),
        HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("compatibilityLevel");
  }
}
