package io.crashwatch.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.crashwatch.schemas.Heartbeat;
import io.crashwatch.schemas.HeartbeatReason;
import io.crashwatch.serde.AvroDeserializer;
import io.crashwatch.serde.AvroSerializer;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our serde against a third-party Confluent-compatible client, {@code @kafkajs/confluent-schema-registry}
 * (run by node from {@code interop/confluent-js/roundtrip.mjs}), on one registry: each decodes what the
 * other encoded, and both get the same schema id for the same schema.
 *
 * <p>Skipped, not failed, where node is not on the PATH or {@code npm ci --prefix interop/confluent-js}
 * has not been run.
 */
class ConfluentJsInteropIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOPIC = "crashwatch.heartbeats";
  private static final String SUBJECT = TOPIC + "-value";
  private static final long TIMEOUT_SECONDS = 60;
  /** 2024-07-19T04:09:00.123Z, when Channel File 291 went out. */
  private static final Instant SENT_AT = Instant.ofEpochMilli(1_721_362_140_123L);

  private static Optional<Path> node;
  private static Path interop;
  private static Path script;
  private static Path heartbeatAvsc;

  private EmbeddedSchemaRegistry registry;

  @BeforeAll
  static void findNodeAndScript() {
    Path root = repositoryRoot();
    node = nodeOnPath();
    interop = root.resolve("interop/confluent-js");
    script = interop.resolve("roundtrip.mjs");
    heartbeatAvsc = root.resolve("schemas/src/main/avro/Heartbeat.avsc");
  }

  @BeforeEach
  void startRegistry() {
    // Checked per test, not in @BeforeAll, so that the reports count each test as skipped, with the reason.
    Assumptions.assumeTrue(node.isPresent(), "node is not on the PATH: skipping the JavaScript interop test");
    Assumptions.assumeTrue(Files.isDirectory(interop.resolve("node_modules/@kafkajs/confluent-schema-registry")),
        "interop/confluent-js/node_modules is missing (run: npm ci --prefix interop/confluent-js): skipping");
    registry = EmbeddedSchemaRegistry.start();
    // Takes id 1, so that an id both sides agree on cannot be a client's default by chance.
    Schema unrelated = SchemaBuilder.record("Unrelated").namespace("io.crashwatch.test").fields()
        .requiredString("name").endRecord();
    serializer().serialize("crashwatch.unrelated", new GenericRecordBuilder(unrelated).set("name", "x").build());
  }

  @AfterEach
  void stopRegistry() {
    if (registry != null) {
      registry.close();
    }
  }

  @Test
  void shouldDecodeInJavaScriptWhatOurSerializerWrote() throws Exception {
    Heartbeat heartbeat = Heartbeat.newBuilder()
        .setDeviceId("device-1").setFleetId("airline-ops").setSentAt(SENT_AT).setBootId("boot-1")
        .setUptimeMs(86_400_000L).setOsBuild("10.0.19045")
        .setComponents(linked("sensor", "7.11.18110", "channel-291", "r41"))
        .setReason(HeartbeatReason.UPDATE_APPLIED).setPreviousShutdownUnclean(true).setAgentVersion("7.11.18110")
        .build();

    byte[] bytes = serializer().serialize(TOPIC, heartbeat);
    String decoded = node("decode", Base64.getEncoder().encodeToString(bytes));

    assertThat(JSON.readTree(decoded)).isEqualTo(json(heartbeatJson(heartbeat.getDeviceId(), heartbeat.getBootId(),
        heartbeat.getUptimeMs(), heartbeat.getComponents(), "UPDATE_APPLIED", true, "7.11.18110")));
  }

  @Test
  void shouldDecodeWithOurDeserializerWhatJavaScriptEncoded() throws Exception {
    Map<String, Object> record = heartbeatJson("device-2", "boot-7", 1_234L,
        linked("sensor", "7.11.18110", "channel-291", "r42"), "BOOT", true, null);

    byte[] bytes = Base64.getDecoder().decode(
        node("encode", SUBJECT, JSON.writeValueAsString(record), heartbeatAvsc.toString()).trim());
    Heartbeat heartbeat = deserializer().deserialize(TOPIC, bytes);

    assertThat(bytes[0]).isZero();
    assertThat(heartbeat.getDeviceId()).isEqualTo("device-2");
    assertThat(heartbeat.getFleetId()).isEqualTo("airline-ops");
    assertThat(heartbeat.getSentAt()).isEqualTo(SENT_AT);
    assertThat(heartbeat.getBootId()).isEqualTo("boot-7");
    assertThat(heartbeat.getUptimeMs()).isEqualTo(1_234L);
    assertThat(heartbeat.getOsBuild()).isEqualTo("10.0.19045");
    assertThat(heartbeat.getComponents()).containsExactlyInAnyOrderEntriesOf(
        Map.of("sensor", "7.11.18110", "channel-291", "r42"));
    assertThat(heartbeat.getReason()).isEqualTo(HeartbeatReason.BOOT);
    assertThat(heartbeat.getPreviousShutdownUnclean()).isTrue();
    assertThat(heartbeat.getAgentVersion()).isNull();

    // The same schema (the .avsc the JS client registered) gets the same id from our serializer, and
    // the same record the same bytes.
    Schema avsc = new Schema.Parser().parse(heartbeatAvsc.toFile());
    byte[] ours = serializer().serialize(TOPIC, genericHeartbeat(avsc, record));
    assertThat(schemaId(ours)).isEqualTo(schemaId(bytes));
    assertThat(ours).isEqualTo(bytes);
  }

  @Test
  void shouldEncodeInJavaScriptWithTheSchemaIdOurSerializerRegistered() throws Exception {
    Heartbeat heartbeat = Heartbeat.newBuilder()
        .setDeviceId("device-3").setFleetId("airline-ops").setSentAt(SENT_AT).setBootId("boot-3")
        .setUptimeMs(5L).setOsBuild("10.0.19045").setComponents(linked("channel-291", "r41"))
        .setReason(HeartbeatReason.PERIODIC).setPreviousShutdownUnclean(false).setAgentVersion(null)
        .build();
    byte[] ours = serializer().serialize(TOPIC, heartbeat);

    // No schema file: the JS client looks up the subject's latest version, the one we registered.
    byte[] theirs = Base64.getDecoder().decode(node("encode", SUBJECT, JSON.writeValueAsString(heartbeatJson(
        "device-3", "boot-3", 5L, heartbeat.getComponents(), "PERIODIC", false, null))).trim());

    assertThat(schemaId(theirs)).isEqualTo(schemaId(ours));
    assertThat(theirs).isEqualTo(ours);
    assertThat(deserializer().deserialize(TOPIC, theirs)).isEqualTo(heartbeat);
  }

  /** A Heartbeat as JSON, the shape roundtrip.mjs reads and prints: sentAt is epoch millis. */
  private static Map<String, Object> heartbeatJson(String deviceId, String bootId, long uptimeMs,
      Map<String, String> components, String reason, boolean previousShutdownUnclean, String agentVersion) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("deviceId", deviceId);
    record.put("fleetId", "airline-ops");
    record.put("sentAt", SENT_AT.toEpochMilli());
    record.put("bootId", bootId);
    record.put("uptimeMs", uptimeMs);
    record.put("osBuild", "10.0.19045");
    record.put("components", components);
    record.put("reason", reason);
    record.put("previousShutdownUnclean", previousShutdownUnclean);
    record.put("agentVersion", agentVersion);
    return record;
  }

  private static GenericRecord genericHeartbeat(Schema schema, Map<String, Object> json) {
    GenericRecord record = new GenericData.Record(schema);
    json.forEach(record::put);
    record.put("reason", new GenericData.EnumSymbol(schema.getField("reason").schema(), json.get("reason")));
    return record;
  }

  private static Map<String, String> linked(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  /** Through a JSON string, so that numbers compare by value whatever Java type they had. */
  private static JsonNode json(Object value) throws IOException {
    return JSON.readTree(JSON.writeValueAsString(value));
  }

  private static int schemaId(byte[] framed) {
    return ByteBuffer.wrap(framed, 1, 4).getInt();
  }

  private AvroSerializer<Object> serializer() {
    AvroSerializer<Object> serializer = new AvroSerializer<>();
    serializer.configure(Map.of("schema.registry.url", registry.url()), false);
    return serializer;
  }

  private AvroDeserializer<Heartbeat> deserializer() {
    AvroDeserializer<Heartbeat> deserializer = new AvroDeserializer<>();
    deserializer.configure(Map.of("schema.registry.url", registry.url(), "specific.avro.reader", true), false);
    return deserializer;
  }

  /** Runs roundtrip.mjs against the registry; returns its standard output, fails with its error output. */
  private String node(String mode, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(List.of(node.orElseThrow().toString(), script.toString(), registry.url(), mode));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).directory(script.getParent().toFile()).start();
    process.getOutputStream().close(); // everything goes in as arguments
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("roundtrip.mjs " + mode + " did not finish within " + TIMEOUT_SECONDS + " s");
    }
    String stderr = err.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    assertThat(process.exitValue()).as("exit code of roundtrip.mjs %s; its stderr:%n%s", mode, stderr).isZero();
    return out.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("interop/confluent-js/package.json"))) {
        return dir;
      }
    }
    throw new AssertionError("No interop/confluent-js/package.json above " + System.getProperty("user.dir"));
  }

  private static Optional<Path> nodeOnPath() {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      for (String name : List.of("node", "node.exe")) {
        try {
          Path candidate = dir.isEmpty() ? Path.of(name) : Path.of(dir, name);
          if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
            return Optional.of(candidate.toAbsolutePath());
          }
        } catch (InvalidPathException e) {
          // not a usable PATH entry
        }
      }
    }
    return Optional.empty();
  }
}
