package io.crashwatch.detector;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.config.SettingsSource;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./crashwatch detector [--config FILE]}: the detector alone, for a real cluster. */
@Command(name = "detector", mixinStandardHelpOptions = true,
    description = {"Runs the crashwatch detector against a Kafka cluster and a Confluent-compatible schema registry.",
        "Settings come from the properties file, then from the environment, which wins:",
        "  KAFKA_BOOTSTRAP_SERVERS -> bootstrap.servers, KAFKA_SCHEMA_REGISTRY_URL -> schema.registry.url,",
        "  CRASHWATCH_DARK_AFTER -> dark-after. Stops cleanly on SIGTERM."})
public final class DetectorMain implements Callable<Integer> {
  /** Exit code for a configuration that cannot work: the supervisor should not restart in a loop. */
  static final int EXIT_BAD_CONFIG = 2;

  @Option(names = "--config", paramLabel = "FILE", description = "Properties file with crashwatch and Kafka settings.")
  Path config;

  public static void main(String[] args) {
    // Run alone (what an image runs) it is still "crashwatch detector" to whoever reads its usage.
    System.exit(new CommandLine(new DetectorMain()).setCommandName("crashwatch detector").execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Optional<DetectorSettings> loaded = loadSettings(config);
    if (loaded.isEmpty()) {
      return EXIT_BAD_CONFIG;
    }
    DetectorSettings settings = loaded.get();
    try {
      settings.killSwitchSigner(); // only the detector needs it: the operator commands share loadSettings
    } catch (ConfigException e) {
      return invalid(e);
    }
    Detector detector = Detector.start(settings);
    Thread shutdown = new Thread(detector::close, "crashwatch-shutdown");
    Runtime.getRuntime().addShutdownHook(shutdown);
    boolean clean = detector.awaitStopped();
    Optional<StopCause> cause = detector.stopCause();
    if (cause.isPresent()) {
      // One line an operator can act on; the log above has the stack trace.
      System.err.println("crashwatch: " + cause.get().message());
      return cause.get().exitCode();
    }
    return clean ? 0 : StopCause.EXIT_FAILED;
  }

  /**
   * The settings from {@code config} and the environment; empty, after saying why on stderr, when the
   * file cannot be read or a value is wrong. Shared by every command that reads the detector's settings.
   */
  static Optional<DetectorSettings> loadSettings(Path config) {
    try {
      return Optional.of(DetectorSettings.from(SettingsSource.load(config, System.getenv())));
    } catch (UncheckedIOException e) {
      System.err.println("crashwatch: " + e.getMessage());
    } catch (ConfigException e) {
      invalid(e);
    }
    return Optional.empty();
  }

  private static int invalid(ConfigException e) {
    System.err.println("crashwatch: invalid setting: " + e.getMessage());
    return EXIT_BAD_CONFIG;
  }
}
