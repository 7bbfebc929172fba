package io.crashwatch.loadgen;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.embedded.TestKafkaCluster;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.loadgen.sim.ScenarioKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Settings of a detector for one test run on the shared cluster: topics and application of its own. */
public final class TestDetectorSettings {
  private TestDetectorSettings() {
  }

  /** Verifies what the detector of these settings signs. */
  public static KillSwitchVerifier verifier(DetectorSettings settings) {
    return new KillSwitchVerifier(List.of(settings.killSwitchSigner().publicKey()));
  }

  /** The keys to play a scenario with against the detector of {@link #forRun} with this state directory. */
  public static ScenarioKeys keys(Path stateDir, DetectorSettings settings) {
    try {
      return new ScenarioKeys(verifier(settings), new KillSwitchSigner(Ed25519Keys.readPrivate(stateDir.resolve("keys/operator.key"))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A key pair made for the run in its state directory, as the demo makes them in its work directory; the private key's path. */
  private static Path keyPair(Path stateDir, String name) {
    try {
      Path keys = Files.createDirectories(stateDir.resolve("keys"));
      Ed25519Keys.generateInto(keys.resolve(name + ".key"), keys.resolve(name + ".pub"));
      return keys.resolve(name + ".key");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every topic is named {@code run.<name>}, so runs sharing the broker never see each other.
   *
   * @param detection detection settings, e.g. a scenario's {@link io.crashwatch.loadgen.scenario.Scenario#detectorSettings()}
   */
  public static DetectorSettings forRun(TestKafkaCluster cluster, String run, Path stateDir, Map<String, String> detection) {
    return DetectorSettings.from(valuesForRun(cluster, run, stateDir, detection));
  }

  /** The settings of {@link #forRun} as a detector's settings file holds them, for detectors in processes of their own. */
  public static Map<String, String> valuesForRun(TestKafkaCluster cluster, String run, Path stateDir, Map<String, String> detection) {
    Map<String, String> values = new HashMap<>(detection);
    values.put("bootstrap.servers", cluster.bootstrapServers());
    values.put("schema.registry.url", cluster.schemaRegistryUrl());
    values.put("application.id", run);
    values.put("state.dir", stateDir.toString());
    values.put("http-port", "0");
    values.put("topic-partitions", "2");
    values.putAll(TopicNames.settingsUnder(run));
    values.put("kill-switch-signing-key", keyPair(stateDir, "kill-switch").toString());
    values.put("operator-public-keys", keyPair(stateDir, "operator").resolveSibling("operator.pub").toString());
    return values;
  }
}
