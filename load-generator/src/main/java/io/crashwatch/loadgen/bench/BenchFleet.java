package io.crashwatch.loadgen.bench;

import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.serde.AvroSerializer;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The benchmark's fleet: {@code devices} healthy endpoints in fleets of 1,000, all on the same
 * versions, sending realistic Avro heartbeats and crash reports (95/5). Nothing in it should halt.
 */
final class BenchFleet implements AutoCloseable {
  static final int FLEET_SIZE = 1000;
  static final Map<String, String> COMPONENTS = Map.of("sensor", "7.11.18110", "channel-291", "r40");

  private final KafkaProducer<String, SpecificRecord> producer;
  private final String heartbeats;
  private final String crashReports;
  private final int devices;

  BenchFleet(String bootstrapServers, String registryUrl, String heartbeats, String crashReports, int devices) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    AvroSerializer<SpecificRecord> values = new AvroSerializer<>();
    values.configure(Map.of("schema.registry.url", registryUrl), false);
    this.producer = new KafkaProducer<>(config, new StringSerializer(), values);
    this.heartbeats = heartbeats;
    this.crashReports = crashReports;
    this.devices = devices;
  }

  static String device(int i) {
    return String.format("bench-%08d", i);
  }

  static String fleet(int i) {
    return "bench-fleet-" + i / FLEET_SIZE;
  }

  /** The n-th event of the stream: device n mod devices; every 20th a crash report. */
  void send(long n) {
    int i = (int) (n % devices);
    Instant now = Instant.now();
    if (n % 20 == 19) {
      producer.send(new ProducerRecord<>(crashReports, device(i), CrashReport.newBuilder()
          .setReportId(device(i) + "-" + n).setDeviceId(device(i)).setFleetId(fleet(i)).setCrashedAt(now)
          .setBugcheckCode(0x1E).setFaultingModule("ntoskrnl.exe").setOsBuild("10.0.19045").build()));
    } else {
      producer.send(new ProducerRecord<>(heartbeats, device(i), Heartbeat.newBuilder()
          .setDeviceId(device(i)).setFleetId(fleet(i)).setSentAt(now).setBootId(device(i) + "-boot-1")
          .setUptimeMs(n).setOsBuild("10.0.19045").setComponents(COMPONENTS)
          .setReason(HeartbeatReason.PERIODIC).build()));
    }
  }

  String heartbeatsTopic() {
    return heartbeats;
  }

  String crashReportsTopic() {
    return crashReports;
  }

  KafkaProducer<String, SpecificRecord> producer() {
    return producer;
  }

  void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close();
  }
}
