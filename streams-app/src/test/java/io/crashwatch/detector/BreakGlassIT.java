package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.embedded.KafkaClusterExtension;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchListener;
import io.crashwatch.killswitch.KillSwitchStatus;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.killswitch.RejectedRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The detector is down, so its lease is stale and every rollout pauses; a fix must ship. An operator
 * whose key the rollout service trusts for break glass lets that one rollout proceed with
 * {@code ./crashwatch break-glass}; the same command signed by anyone else changes nothing.
 */
class BreakGlassIT {
  @RegisterExtension
  static final KafkaClusterExtension CLUSTER = new KafkaClusterExtension();

  @TempDir
  Path dir;

  private final String run = "glass-" + UUID.randomUUID().toString().substring(0, 8);

  @Test
  void shouldLetOneRolloutProceedOnATrustedOperatorsOverrideOnly() throws Exception {
    TopicNames names = TopicNames.from(TopicNames.settingsUnder(run));
    Map<String, Object> client = Map.of("bootstrap.servers", CLUSTER.bootstrapServers(),
        "schema.registry.url", CLUSTER.schemaRegistryUrl());
    try (Admin admin = Admin.create(client)) {
      admin.createTopics(List.of(new NewTopic(names.killSwitch(), 1, (short) 1),
          new NewTopic(names.killSwitchLease(), 1, (short) 1))).all().get();
    }
    Path operatorKey = dir.resolve("sre.key");
    KillSwitchVerifier operators = new KillSwitchVerifier(List.of(
        Ed25519Keys.generateInto(operatorKey, dir.resolve("sre.pub")).getPublic()));
    Path strangerKey = dir.resolve("stranger.key");
    Ed25519Keys.generateInto(strangerKey, dir.resolve("stranger.pub"));
    List<String> lines = new ArrayList<>(List.of("bootstrap.servers=" + CLUSTER.bootstrapServers(),
        "schema.registry.url=" + CLUSTER.schemaRegistryUrl()));
    TopicNames.settingsUnder(run).forEach((k, v) -> lines.add(k + "=" + v));
    Path config = Files.write(dir.resolve("operator.properties"), lines);

    try (KillSwitchListener listener = new KillSwitchListener(client, names.killSwitch(), names.killSwitchLease(),
        TestKeys.verifier(), KillSwitchListener.Options.defaults().withBreakGlass(operators), (target, command) -> { })) {
      assertThat(listener.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
      assertThat(status(listener, "r42")).as("no detector, no lease").isEqualTo(KillSwitchStatus.UNKNOWN);

      assertThat(breakGlass(config, strangerKey, "1h")).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> listener.rejected(RejectedRecord.Reason.UNKNOWN_KEY) == 1);
      assertThat(status(listener, "r42")).as("signed by a stranger").isEqualTo(KillSwitchStatus.UNKNOWN);
      assertThat(breakGlass(config, operatorKey, "13h")).as("longer than a rollout service accepts")
          .isEqualTo(DetectorMain.EXIT_BAD_CONFIG);

      assertThat(breakGlass(config, operatorKey, "1h")).isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> status(listener, "r42") == KillSwitchStatus.PROCEED);
      assertThat(status(listener, "r43")).as("another version").isEqualTo(KillSwitchStatus.UNKNOWN);
    }
  }

  private static KillSwitchStatus status(KillSwitchListener listener, String version) {
    return listener.view().status("retail", "channel-291", version);
  }

  private static int breakGlass(Path config, Path key, String lasts) {
    return new CommandLine(new OperatorMain()).execute("break-glass", "retail/channel-291/r42", "--for", lasts,
        "--key", key.toString(), "--reason", "ship the fix while the detector is down", "--actor", "it",
        "--config", config.toString());
  }
}
