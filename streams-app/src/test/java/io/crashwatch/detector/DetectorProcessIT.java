package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import io.crashwatch.embedded.EmbeddedSchemaRegistry;
import io.crashwatch.embedded.KafkaClusterExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
    String run = "proc-" + UUID.randomUUID();
    // Environment variables complete and override the file, as in a Kubernetes pod spec.
    try (DetectorProcess detector = DetectorProcess.start(dir, "detector", List.of(
        "application.id=" + run,
        "state.dir=" + dir.resolve("state"),
        "topic-partitions=1",
        "heartbeats-topic=" + run + ".heartbeats",
        "crash-reports-topic=" + run + ".crash-reports"), Map.of(
        "KAFKA_BOOTSTRAP_SERVERS", CLUSTER.bootstrapServers(),
        "KAFKA_SCHEMA_REGISTRY_URL", CLUSTER.schemaRegistryUrl()))) {
      detector.awaitReady();

      detector.process.destroy(); // SIGTERM

      assertThat(detector.process.waitFor(60, TimeUnit.SECONDS)).as("detector exits after SIGTERM").isTrue();
      // 143 = 128 + SIGTERM: the JVM ran its shutdown hooks and exited on the signal.
      assertThat(detector.process.exitValue()).isEqualTo(143);
      assertThat(detector.output()).contains("Stopping crashwatch detector", "-> NOT_RUNNING");
    }
  }

  @Test
  void shouldExitAsABadConfigNamingTheSettingWhenTheRegistryRefusesTheCredentials() throws Exception {
    String run = "refused-" + UUID.randomUUID();
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start().failAll(401);
        DetectorProcess detector = DetectorProcess.start(dir, "refused", List.of(
            "bootstrap.servers=" + CLUSTER.bootstrapServers(),
            "schema.registry.url=" + registry.url(),
            "application.id=" + run,
            "state.dir=" + dir.resolve("state"),
            "topic-partitions=1",
            "heartbeats-topic=" + run + ".heartbeats",
            "crash-reports-topic=" + run + ".crash-reports"), Map.of())) {

      assertThat(detector.process.waitFor(60, TimeUnit.SECONDS)).as("detector exits").isTrue();
      // Exit code 2, like a bad setting: a supervisor restarting it would only be refused again.
      assertThat(detector.process.exitValue()).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
      assertThat(detector.output()).contains("crashwatch: Schema registry refused the credentials",
          "basic.auth.user.info", "schema.registry.url");
    }
  }

  @Test
  void shouldFailFastNamingTheBadKey() throws Exception {
    Path config = dir.resolve("bad.properties");
    Files.writeString(config, "bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\nmin-devices=several\n");
    Process process = DetectorProcess.command("--config", config.toString()).redirectErrorStream(true).start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(new String(process.getInputStream().readAllBytes()))
        .contains("invalid setting", "min-devices", "several");
  }
}
