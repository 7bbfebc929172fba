package io.crashwatch.loadgen;

import io.crashwatch.detector.Detector;
import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.embedded.EmbeddedKafkaBroker;
import io.crashwatch.embedded.EmbeddedSchemaRegistry;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.loadgen.sim.ScenarioKeys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.utils.Utils;

/**
 * An in-process Kafka broker, schema registry and detector on 127.0.0.1: what the demo and the
 * scenario runner drive. The detector is started through its public entry point, {@link Detector}.
 */
final class EmbeddedStack implements AutoCloseable {
  private final EmbeddedKafkaBroker broker;
  private final EmbeddedSchemaRegistry registry;
  private final Path stateDir;
  private final Detector detector;
  private final DetectorSettings settings;
  private final KillSwitchSigner operator;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private EmbeddedStack(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path stateDir,
             DetectorSettings settings, Detector detector, KillSwitchSigner operator) {
    this.operator = operator;
    this.broker = broker;
    this.registry = registry;
    this.stateDir = stateDir;
    this.settings = settings;
    this.detector = detector;
  }

  /** @param detectorOverrides crashwatch settings for the detector, e.g. {@code heartbeat-interval} */
  static EmbeddedStack start(Map<String, String> detectorOverrides) throws InterruptedException, TimeoutException {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
    EmbeddedSchemaRegistry registry = null;
    Path stateDir = null;
    try {
      registry = EmbeddedSchemaRegistry.start();
      stateDir = Files.createTempDirectory("crashwatch-state");
      Map<String, String> values = new HashMap<>(detectorOverrides);
      values.put("bootstrap.servers", broker.bootstrapServers());
      values.put("schema.registry.url", registry.url());
      values.put("state.dir", stateDir.toString());
      values.putIfAbsent("http-port", "0");
      values.putIfAbsent("topic-partitions", "3");
      // The detector signs the kill switch with a key made for this run, in its work directory.
      Path signingKey = stateDir.resolve("kill-switch.key");
      Ed25519Keys.generateInto(signingKey, stateDir.resolve("kill-switch.pub"));
      values.put("kill-switch-signing-key", signingKey.toString());
      // ...and obeys the operator steps signed with another, the scenario operator's.
      KeyPair operator = Ed25519Keys.generateInto(stateDir.resolve("operator.key"), stateDir.resolve("operator.pub"));
      values.put("operator-public-keys", stateDir.resolve("operator.pub").toString());
      DetectorSettings settings = DetectorSettings.from(values);
      Detector detector = Detector.start(settings);
      detector.awaitRunning(Duration.ofSeconds(90));
      return new EmbeddedStack(broker, registry, stateDir, settings, detector, new KillSwitchSigner(operator.getPrivate()));
    } catch (IOException e) {
      close(broker, registry, stateDir);
      throw new UncheckedIOException(e);
    } catch (RuntimeException | InterruptedException | TimeoutException e) {
      close(broker, registry, stateDir);
      throw e;
    }
  }

  String bootstrapServers() {
    return broker.bootstrapServers();
  }

  String schemaRegistryUrl() {
    return registry.url();
  }

  DetectorSettings settings() {
    return settings;
  }

  /** The detector's public key, which the kill switch is verified with, and the operator key its operator-public-keys trust. */
  ScenarioKeys keys() {
    return new ScenarioKeys(new KillSwitchVerifier(List.of(settings.killSwitchSigner().publicKey())), operator);
  }

  int detectorHttpPort() {
    return detector.httpPort();
  }

  /** Idempotent: the demo's Ctrl-C hook and its normal end may both call it. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      detector.close();
      close(broker, registry, stateDir);
    }
  }

  private static void close(EmbeddedKafkaBroker broker, EmbeddedSchemaRegistry registry, Path stateDir) {
    if (registry != null) {
      registry.close();
    }
    broker.close();
    if (stateDir != null) {
      try {
        Utils.delete(stateDir.toFile());
      } catch (IOException e) {
        // A leftover temp directory is not worth failing the shutdown for.
      }
    }
  }
}
