package io.crashwatch.loadgen;

import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Every committed alert of a run's alerts topic, from its start: what the detector said, before the run too. */
public final class RunAlerts {
  private RunAlerts() {
  }

  public static List<ConsumerRecord<byte[], SreAlert>> read(KafkaClusterExtension cluster, String topic) {
    AvroDeserializer<SreAlert> values = new AvroDeserializer<>();
    values.configure(Map.of("schema.registry.url", cluster.schemaRegistryUrl(), "specific.avro.reader", true), false);
    try (KafkaConsumer<byte[], SreAlert> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
        cluster.bootstrapServers(), "isolation.level", "read_committed"), new ByteArrayDeserializer(), values)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], SreAlert>> alerts = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(alerts::add);
      }
      return alerts;
    }
  }
}
