package io.crashwatch.detector;

import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.Topics;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Devices of the integration tests: airline-ops hosts on channel-291 r41, heartbeating, then crashing. */
final class TestDevices {
  private static final Map<String, String> COMPONENTS = Map.of("sensor", "7.11.18110", "channel-291", "r41");

  private TestDevices() {
  }

  static CrashReport crash(String device) {
    return CrashReport.newBuilder()
        .setReportId(device + "-1").setDeviceId(device).setFleetId("airline-ops").setCrashedAt(Instant.now())
        .setBugcheckCode(0x50).setFaultingModule("csagent.sys").setOsBuild("10.0.19045")
        .setComponents(COMPONENTS).build();
  }

  static Heartbeat heartbeat(String device) {
    return Heartbeat.newBuilder().setDeviceId(device).setFleetId("airline-ops").setSentAt(Instant.now())
        .setBootId("boot-1").setUptimeMs(1000).setOsBuild("10.0.19045").setReason(HeartbeatReason.PERIODIC)
        .setComponents(COMPONENTS).build();
  }

  /**
   * A heartbeat from device-0 … device-(n-1), and the wait until the detector has taken them: only
   * devices seen heartbeating make their crash reports evidence.
   */
  static void heartbeatFrom(Properties producerConfig, DetectorSettings settings, Detector detector, int devices) {
    Topics topics = Topics.create(settings.topics(), settings.serdeConfig());
    try (var producer = new KafkaProducer<>(producerConfig, new StringSerializer(), topics.heartbeats.valueSerde().serializer())) {
      for (int i = 0; i < devices; i++) {
        producer.send(new ProducerRecord<>(topics.heartbeats.name(), "device-" + i, heartbeat("device-" + i)));
      }
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> get(detector.httpPort(), "/metrics")
        .contains("crashwatch_events_total{type=\"heartbeat\"} " + devices + ".0"));
  }

  static String get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
