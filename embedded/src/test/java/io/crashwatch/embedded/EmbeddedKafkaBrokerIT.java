package io.crashwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerIT {

  private static final String TOPIC = "crashwatch.test.round-trip";

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedKafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void shouldDeliverCommittedTransactionsToAReadCommittedConsumerGroup() {
    broker.createTopic(TOPIC, 2);
    List<String> committed = IntStream.range(0, 10).mapToObj(i -> "committed-" + i).toList();

    try (KafkaProducer<String, String> producer = transactionalProducer()) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, "device-1", "aborted"));
      producer.abortTransaction();
      producer.beginTransaction();
      committed.forEach(value -> producer.send(new ProducerRecord<>(TOPIC, value, value)));
      producer.commitTransaction();
    }

    List<String> received = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = readCommittedConsumer()) {
      consumer.subscribe(List.of(TOPIC));
      await().atMost(Duration.ofSeconds(30)).pollInSameThread().untilAsserted(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(record -> received.add(record.value()));
        assertThat(received).containsExactlyInAnyOrderElementsOf(committed);
      });
    }
  }

  @Test
  void shouldRefuseASecondTopicWithTheSameName() {
    broker.createTopic("crashwatch.test.once", 1);

    assertThatThrownBy(() -> broker.createTopic("crashwatch.test.once", 1))
        .hasMessageContaining("crashwatch.test.once");
  }

  private static KafkaProducer<String, String> transactionalProducer() {
    return new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-broker-it"),
        new StringSerializer(), new StringSerializer());
  }

  private static KafkaConsumer<String, String> readCommittedConsumer() {
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "embedded-broker-it",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new StringDeserializer());
  }
}
