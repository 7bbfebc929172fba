package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.crashwatch.detector.config.DetectorSettings;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/** The co-partitioning check at start, against a broker whose metadata lags behind topic creation. */
class TopicProvisionerTest {
  private final DetectorSettings settings = DetectorSettings.from(Map.of(
      "bootstrap.servers", "unused:9092", "schema.registry.url", "mock://provisioner", "create-topics", "false"));

  @Test
  void shouldWaitForTopicsThatAreNotInTheMetadataYet() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    Admin admin = admin(topics -> asked.incrementAndGet() <= 2 ? unknown() : described(topics, 2));

    new TopicProvisioner(admin, settings, Duration.ofSeconds(10)).provision();

    assertThat(asked).hasValue(3);
  }

  @Test
  void shouldGiveUpNamingTheTopicsWhenTheyNeverAppear() {
    Admin admin = admin(topics -> unknown());

    assertThatThrownBy(() -> new TopicProvisioner(admin, settings, Duration.ofMillis(200)).provision())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("crashwatch.heartbeats").hasMessageContaining("within PT0.2S");
  }

  @Test
  void shouldStillRefuseTopicsThatAreNotCoPartitioned() {
    Admin admin = admin(topics -> result(Map.of(
        "crashwatch.heartbeats", KafkaFuture.completedFuture(description("crashwatch.heartbeats", 2)),
        "crashwatch.crash-reports", KafkaFuture.completedFuture(description("crashwatch.crash-reports", 3)))));

    assertThatThrownBy(() -> new TopicProvisioner(admin, settings, Duration.ofSeconds(1)).provision())
        .hasMessageContaining("must have the same number of partitions");
  }

  /** An Admin that answers describeTopics only; nothing else is asked with create-topics=false. */
  @SuppressWarnings("unchecked")
  private static Admin admin(java.util.function.Function<Collection<String>, DescribeTopicsResult> describe) {
    return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
        (proxy, method, args) -> {
          if (method.getName().equals("describeTopics") && args.length == 1) {
            return describe.apply((Collection<String>) args[0]);
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  private static DescribeTopicsResult unknown() {
    KafkaFutureImpl<TopicDescription> failed = new KafkaFutureImpl<>();
    failed.completeExceptionally(new UnknownTopicOrPartitionException("This server does not host this topic-partition."));
    return result(Map.of("crashwatch.heartbeats", failed,
        "crashwatch.crash-reports", KafkaFuture.completedFuture(description("crashwatch.crash-reports", 2))));
  }

  private static DescribeTopicsResult described(Collection<String> topics, int partitions) {
    Map<String, KafkaFuture<TopicDescription>> answers = new java.util.HashMap<>();
    topics.forEach(t -> answers.put(t, KafkaFuture.completedFuture(description(t, partitions))));
    return result(answers);
  }

  /** Kafka's factory is package-private; its constructor is protected for exactly this. */
  private static DescribeTopicsResult result(Map<String, KafkaFuture<TopicDescription>> byName) {
    return new DescribeTopicsResult(null, byName) { };
  }

  private static TopicDescription description(String topic, int partitions) {
    Node node = new Node(0, "localhost", 9092);
    List<TopicPartitionInfo> infos = new java.util.ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      infos.add(new TopicPartitionInfo(p, node, List.of(node), List.of(node)));
    }
    return new TopicDescription(topic, false, infos);
  }
}
