package io.crashwatch.loadgen;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.loadgen.rollout.KillSwitchListener;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.KillSwitchAction;
import io.crashwatch.schemas.KillSwitchCommand;
import io.crashwatch.schemas.SreAlert;
import io.crashwatch.serde.AvroDeserializer;
import io.crashwatch.serde.AvroSerializer;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./crashwatch demo}, first cut until the scenario runner lands: the whole stack on 127.0.0.1
 * and a staged bad content update in the spirit of 19 July 2024 — a fleet on channel-291 r40, a
 * canary taking r41 device by device, each crashing on load with 0x50 in csagent.sys — until the
 * detector's HALT stops the rollout.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Starts an embedded Kafka broker, schema registry and the detector on 127.0.0.1 and rolls a "
        + "bad channel-291 update out to a simulated fleet until crashwatch halts it.")
final class DemoCommand implements Callable<Integer> {
  private static final String FLEET = "airline-ops";

  @Option(names = "--devices", defaultValue = "1000", description = "Devices in the fleet (default: ${DEFAULT-VALUE}).")
  int devices;

  @Option(names = "--install-interval", defaultValue = "200ms",
      description = "Time between two devices installing r41 (default: ${DEFAULT-VALUE}).")
  String installInterval;

  private final PrintStream out = System.out;

  @Override
  public Integer call() throws Exception {
    long interval = io.crashwatch.detector.config.Durations.parse(installInterval).toMillis();
    out.println("crashwatch demo: starting an embedded Kafka broker, schema registry and detector...");
    try (EmbeddedStack stack = EmbeddedStack.start(Map.of())) {
      out.printf("  Kafka broker     %s%n  schema registry  %s%n  detector health  http://127.0.0.1:%d/health%n",
          stack.bootstrapServers(), stack.schemaRegistryUrl(), stack.detectorHttpPort());
      TopicNames topics = stack.settings().topics();
      CountDownLatch halted = new CountDownLatch(1);
      Map<String, Object> client = Map.of("bootstrap.servers", stack.bootstrapServers(),
          "schema.registry.url", stack.schemaRegistryUrl());
      try (KafkaProducer<String, SpecificRecord> producer = producer(stack);
           KillSwitchListener killSwitch = new KillSwitchListener(client, topics.killSwitch(), (target, command) -> {
             if (command.getAction() == KillSwitchAction.HALT) {
               halted.countDown();
             }
           })) {
        for (int i = 0; i < devices; i++) {
          producer.send(new ProducerRecord<>(topics.heartbeats(), device(i), heartbeat(i, "r40", HeartbeatReason.PERIODIC)));
        }
        producer.flush();
        out.printf("  %d devices of fleet %s report channel-291 r40%n", devices, FLEET);
        out.println("  rolling out channel-291 r41, one device every " + installInterval + "...");

        SplittableRandom random = new SplittableRandom(19072024);
        long started = System.nanoTime();
        long firstFailure = 0;
        int installed = 0;
        int crashed = 0;
        List<ProducerRecord<String, SpecificRecord>> uploads = new java.util.ArrayList<>();
        while (installed < devices && !killSwitch.view().isHalted(FLEET, "channel-291", "r41")) {
          int i = installed * 20 % devices + installed * 20 / devices; // spread the canary over the fleet
          // Reports of the last round's crashes are uploaded now, after their machines rebooted.
          uploads.forEach(producer::send);
          uploads.clear();
          producer.send(new ProducerRecord<>(topics.heartbeats(), device(i), heartbeat(i, "r41", HeartbeatReason.UPDATE_APPLIED)));
          installed++;
          if (random.nextDouble() < 0.95) { // the update crashes the machine as it loads
            crashed++;
            firstFailure = firstFailure == 0 ? System.nanoTime() : firstFailure;
            if (random.nextDouble() < 0.5) { // boot-looping machines upload few reports
              uploads.add(new ProducerRecord<>(topics.crashReports(), device(i), crash(i)));
            }
          }
          producer.flush();
          // Redraw one line on a terminal; print a line every 10 devices into a log.
          if (System.console() != null || installed % 10 == 0) {
            out.printf("%s  devices updated %4d   crashed %4d   elapsed %5.1f s%s", System.console() != null ? "\r" : "",
                installed, crashed, (System.nanoTime() - started) / 1e9, System.console() != null ? "" : "\n");
          }
          halted.await(interval, TimeUnit.MILLISECONDS);
        }
        out.println();
        KillSwitchCommand halt = killSwitch.view().haltOf(FLEET, "channel-291", "r41");
        if (halt == null) {
          out.println("crashwatch demo: the rollout reached every device without a halt.");
          return 1;
        }
        double seconds = (System.nanoTime() - firstFailure) / 1e9;
        out.printf("%nHALT %s/%s/%s (%s), %.1f s after the first crash, after %d of %d devices installed r41 and %d crashed.%n",
            FLEET, halt.getComponent(), halt.getVersion(), halt.getReason(), seconds, installed, devices, crashed);
        out.println("  alert: " + firstAlert(stack, topics.alerts()).getSummary());
        out.printf("%n19 July 2024: the faulty channel-291 update ran for 78 minutes and about 8.5 million hosts crashed.%n");
        out.printf("Here: %.1f seconds and %d hosts.%n", seconds, crashed);
        return 0;
      }
    }
  }

  private static SreAlert firstAlert(EmbeddedStack stack, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "crashwatch-demo-alerts");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    AvroDeserializer<SreAlert> values = new AvroDeserializer<>();
    values.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl(), "specific.avro.reader", true), false);
    try (KafkaConsumer<String, SreAlert> consumer = new KafkaConsumer<>(p, new StringDeserializer(), values)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (System.nanoTime() < deadline) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          return r.value();
        }
      }
    }
    throw new IllegalStateException("No alert on " + topic + " within 30 s of the halt");
  }

  private static KafkaProducer<String, SpecificRecord> producer(EmbeddedStack stack) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(Map.of("schema.registry.url", stack.schemaRegistryUrl()), false);
    return new KafkaProducer<>(config, new StringSerializer(), values);
  }

  private static String device(int i) {
    return String.format("host-%05d", i);
  }

  private static Heartbeat heartbeat(int i, String channel, HeartbeatReason reason) {
    return Heartbeat.newBuilder()
        .setDeviceId(device(i)).setFleetId(FLEET).setSentAt(Instant.now()).setBootId(device(i) + "-boot-1")
        .setUptimeMs(3_600_000).setOsBuild("10.0.19045")
        .setComponents(Map.of("sensor", "7.11.18110", "channel-291", channel))
        .setReason(reason).build();
  }

  private static CrashReport crash(int i) {
    return CrashReport.newBuilder()
        .setReportId(device(i) + "-crash-1").setDeviceId(device(i)).setFleetId(FLEET)
        .setCrashedAt(Instant.now().plusMillis(50)) // loading the update takes a moment
        .setBugcheckCode(0x50).setFaultingModule("csagent.sys").setOsBuild("10.0.19045").build();
  }
}
