package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.embedded.KafkaClusterExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The detector as its own process, the way Kubernetes runs it: configured by file and environment, stopped by SIGTERM. */
class DetectorProcessIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path dir;

  @Test
  void shouldBecomeReadyAndStopCleanlyOnSigterm() throws Exception {
    int port = freePort();
    String run = "proc-" + UUID.randomUUID();
    Path config = dir.resolve("detector.properties");
    Files.writeString(config, String.join("\n",
        "application.id=" + run,
        "state.dir=" + dir.resolve("state"),
        "http-port=" + port,
        "topic-partitions=1",
        "heartbeats-topic=" + run + ".heartbeats",
        "crash-reports-topic=" + run + ".crash-reports"));
    Path log = dir.resolve("detector.log");
    ProcessBuilder builder = detector("--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    // Environment variables complete and override the file, as in a Kubernetes pod spec.
    builder.environment().put("KAFKA_BOOTSTRAP_SERVERS", CLUSTER.bootstrapServers());
    builder.environment().put("KAFKA_SCHEMA_REGISTRY_URL", CLUSTER.schemaRegistryUrl());
    Process process = builder.start();
    try {
      await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> health(port) == 200);

      process.destroy(); // SIGTERM

      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("detector exits after SIGTERM").isTrue();
      // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
      assertThat(process.exitValue()).isEqualTo(143);
      assertThat(Files.readString(log)).contains("Stopping crashwatch detector", "-> NOT_RUNNING");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void shouldFailFastNamingTheBadKey() throws Exception {
    Path config = dir.resolve("bad.properties");
    Files.writeString(config, "bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\nmin-devices=several\n");
    Process process = detector("--config", config.toString()).redirectErrorStream(true).start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(new String(process.getInputStream().readAllBytes()))
        .contains("invalid setting", "min-devices", "several");
  }

  private static ProcessBuilder detector(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), DetectorMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private static int health(int port) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
