package io.crashwatch.loadgen.fuzz;

import io.crashwatch.detector.topology.Topics;
import io.crashwatch.schemas.CrashReport;
import io.crashwatch.schemas.Deployment;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.schemas.OperatorAction;
import io.crashwatch.schemas.OperatorCommand;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Records no detector may use, of every kind an agent bug, a wrong client or an attacker produces:
 * random bytes, truncated Avro, unknown schema ids, records of another type, huge strings, hundreds
 * of components, {@code /} and {@code *} in names, control characters, far-past and future times,
 * missing ids, keys that are not the device, tombstones, bad rollouts and unsigned operator commands. Each
 * carries a {@value #ID_HEADER} header, so its dead letter can be matched to it. Seeded.
 */
final class HostileRecords {
  static final String ID_HEADER = "crashwatch.test.hostile-id";

  private final Topics topics;
  private final Random random;
  private final List<BiFunction<Integer, Instant, ProducerRecord<byte[], byte[]>>> kinds;

  HostileRecords(Topics topics, long seed) {
    this.topics = topics;
    this.random = new Random(seed);
    this.kinds = List.of(
        (n, now) -> raw(anyInputTopic(), randomBytes(1 + random.nextInt(200))),
        (n, now) -> raw(topics.heartbeats.name(), truncated(heartbeatBytes(heartbeat(n, now)))),
        (n, now) -> raw(anyInputTopic(), unknownSchemaId(n)),
        (n, now) -> raw(topics.heartbeats.name(), crashReportBytes(crashReport(n, now))),
        (n, now) -> raw(topics.crashReports.name(), heartbeatBytes(heartbeat(n, now))),
        (n, now) -> raw(topics.deployments.name(), heartbeatBytes(heartbeat(n, now))),
        (n, now) -> raw(topics.operatorCommands.name(), crashReportBytes(crashReport(n, now))),
        (n, now) -> heartbeat(withComponents(heartbeat(n, now), Map.of("channel-291", "r".repeat(70_000)))),
        (n, now) -> {
          CrashReport r = crashReport(n, now);
          r.setFaultingModule("m".repeat(70_000));
          return crashReport(r);
        },
        (n, now) -> heartbeat(withComponents(heartbeat(n, now), hundredsOfComponents())),
        (n, now) -> heartbeat(withComponents(heartbeat(n, now), Map.of("channel/291", "r41"))),
        (n, now) -> heartbeat(withComponents(heartbeat(n, now), Map.of("*", "r41"))),
        (n, now) -> heartbeat(withComponents(heartbeat(n, now), Map.of("channel-291", "r4\u00001"))),
        (n, now) -> {
          Heartbeat hb = heartbeat(n, now);
          hb.setFleetId("*");
          return heartbeat(hb);
        },
        (n, now) -> {
          Heartbeat hb = heartbeat(n, now);
          hb.setSentAt(now.plus(Duration.ofDays(1)));
          return heartbeat(hb);
        },
        (n, now) -> {
          CrashReport r = crashReport(n, now);
          r.setCrashedAt(now.minus(Duration.ofDays(400)));
          return crashReport(r);
        },
        (n, now) -> {
          Heartbeat hb = heartbeat(n, now);
          hb.setFleetId("");
          return heartbeat(hb);
        },
        (n, now) -> {
          CrashReport r = crashReport(n, now);
          r.setReportId("");
          return crashReport(r);
        },
        (n, now) -> raw(topics.heartbeats.name(), "someone-else", heartbeatBytes(heartbeat(n, now))),
        (n, now) -> raw(topics.crashReports.name(), device(n), null),
        (n, now) -> {
          Deployment d = Deployment.newBuilder().setRolloutId("hostile-" + n).setFleetId("east-stores")
              .setComponent("sensor").setVersion("7.12/" + n).setStartedAt(now).build();
          return raw(topics.deployments.name(), "east-stores",
              topics.deployments.valueSerde().serializer().serialize(topics.deployments.name(), d));
        },
        (n, now) -> {
          OperatorCommand c = OperatorCommand.newBuilder().setCommandId("hostile-" + n).setAction(OperatorAction.RESUME)
              .setTarget("east-stores/sensor").setActor("mallory").setReason("x").setIssuedAt(now).build();
          return raw(topics.operatorCommands.name(), c.getTarget(),
              topics.operatorCommands.valueSerde().serializer().serialize(topics.operatorCommands.name(), c));
        });
  }

  /** The {@code n}th hostile record, of the {@code n mod kinds}th kind, stamped with its id. */
  ProducerRecord<byte[], byte[]> next(int n, Instant now) {
    ProducerRecord<byte[], byte[]> r = kinds.get(n % kinds.size()).apply(n, now);
    RecordHeaders headers = new RecordHeaders();
    headers.add(ID_HEADER, Integer.toString(n).getBytes(StandardCharsets.UTF_8));
    return new ProducerRecord<>(r.topic(), null, r.key(), r.value(), headers);
  }

  int kinds() {
    return kinds.size();
  }

  private ProducerRecord<byte[], byte[]> heartbeat(Heartbeat hb) {
    return raw(topics.heartbeats.name(), hb.getDeviceId(), heartbeatBytes(hb));
  }

  private ProducerRecord<byte[], byte[]> crashReport(CrashReport r) {
    return raw(topics.crashReports.name(), r.getDeviceId(), crashReportBytes(r));
  }

  private byte[] heartbeatBytes(Heartbeat hb) {
    return topics.heartbeats.valueSerde().serializer().serialize(topics.heartbeats.name(), hb);
  }

  private byte[] crashReportBytes(CrashReport r) {
    return topics.crashReports.valueSerde().serializer().serialize(topics.crashReports.name(), r);
  }

  private static Heartbeat heartbeat(int n, Instant now) {
    return Heartbeat.newBuilder().setDeviceId(device(n)).setFleetId("east-stores").setSentAt(now)
        .setBootId("boot").setUptimeMs(1).setOsBuild("10.0.19045")
        .setComponents(Map.of("sensor", "7.11.18110", "channel-291", "r40"))
        .setReason(HeartbeatReason.PERIODIC).build();
  }

  private static CrashReport crashReport(int n, Instant now) {
    return CrashReport.newBuilder().setReportId("hostile-" + n).setDeviceId(device(n)).setFleetId("east-stores")
        .setCrashedAt(now).setBugcheckCode(0x50).setFaultingModule("csagent.sys").setOsBuild("10.0.19045").build();
  }

  private static Heartbeat withComponents(Heartbeat hb, Map<String, String> components) {
    hb.setComponents(components);
    return hb;
  }

  private static Map<String, String> hundredsOfComponents() {
    Map<String, String> components = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      components.put("component-" + i, "1.0." + i);
    }
    return components;
  }

  private static String device(int n) {
    return "hostile-device-" + n;
  }

  private String anyInputTopic() {
    List<String> inputs = List.of(topics.heartbeats.name(), topics.crashReports.name(), topics.deployments.name(),
        topics.operatorCommands.name());
    return inputs.get(random.nextInt(inputs.size()));
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    if (bytes[0] == 0 && length >= 5) {
      bytes[1] = (byte) 0x7F; // magic byte 0 with a real schema id could decode by luck: make the id absurd
    }
    return bytes;
  }

  private byte[] truncated(byte[] avro) {
    return Arrays.copyOf(avro, 5 + random.nextInt(avro.length - 5));
  }

  /** Confluent framing with a schema id no registry has: the tail must never be read as any schema. */
  private byte[] unknownSchemaId(int n) {
    return ByteBuffer.allocate(9).put((byte) 0).putInt(2_000_000_000 - n).putInt(random.nextInt()).array();
  }

  private static ProducerRecord<byte[], byte[]> raw(String topic, byte[] value) {
    return new ProducerRecord<>(topic, null, value);
  }

  private static ProducerRecord<byte[], byte[]> raw(String topic, String key, byte[] value) {
    return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
  }
}
