package io.crashwatch.loadgen.rollout;

import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.serde.AvroDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The example consumer for rollout services: reads the compacted kill-switch topic from the start
 * with {@code isolation.level=read_committed} (so an aborted detector transaction is never acted
 * on) into a {@link KillSwitchView}, and tells a callback of every command as it arrives.
 */
public final class KillSwitchListener implements AutoCloseable {
  private final KafkaConsumer<String, KillSwitchCommand> consumer;
  private final KillSwitchView view = new KillSwitchView();
  private final Thread thread;

  /**
   * @param clientConfig {@code bootstrap.servers}, {@code schema.registry.url} and any security settings
   * @param onCommand    called on the listener's thread for each command, shadow ones included
   */
  public KillSwitchListener(Map<String, Object> clientConfig, String topic, BiConsumer<String, KillSwitchCommand> onCommand) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    // Every instance reads the whole topic: each needs the full state, not a share of it.
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "crashwatch-kill-switch-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put("specific.avro.reader", true);
    AvroDeserializer<KillSwitchCommand> values = new AvroDeserializer<>();
    values.configure(config, false);
    consumer = new KafkaConsumer<>(config, new StringDeserializer(), values);
    consumer.subscribe(List.of(topic));
    thread = new Thread(() -> poll(onCommand), "kill-switch-listener");
    thread.setDaemon(true);
    thread.start();
  }

  public KillSwitchView view() {
    return view;
  }

  private void poll(BiConsumer<String, KillSwitchCommand> onCommand) {
    try {
      while (!Thread.currentThread().isInterrupted()) {
        consumer.poll(Duration.ofMillis(100)).forEach(r -> {
          view.apply(r.key(), r.value());
          onCommand.accept(r.key(), r.value());
        });
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } finally {
      consumer.close();
    }
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }
}
