package io.crashwatch.loadgen;

import io.crashwatch.detector.config.TopicNames;
import io.crashwatch.killswitch.Ed25519Keys;
import io.crashwatch.killswitch.KillSwitchVerifier;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioException;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.sim.ScenarioReport;
import io.crashwatch.killswitch.KillSwitchSigner;
import io.crashwatch.loadgen.sim.ScenarioKeys;
import io.crashwatch.loadgen.sim.ScenarioRunner;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./crashwatch scenario FILE [--report OUT.json]}: any scenario, embedded or against a real cluster. */
@Command(name = "scenario", mixinStandardHelpOptions = true,
    description = {"Plays a scenario file (see README.md, 'Scenario files') in real time and writes its report.",
        "Without --bootstrap-servers it starts an embedded Kafka broker, schema registry and detector on 127.0.0.1,",
        "the detector's heartbeat-interval taken from the scenario. With --bootstrap-servers and",
        "--schema-registry-url it drives an external cluster and an already running detector instead, suffixing",
        "fleet ids with a run id so reruns start fresh. Exit code 3 when any halt is false or missed, 2 for an",
        "invalid scenario or options."})
public final class ScenarioCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "FILE", description = "The scenario (YAML).")
  Path file;

  @Option(names = "--report", paramLabel = "OUT.json", description = "Where to write the JSON report (it is printed too).")
  Path report;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "An external Kafka cluster.")
  String bootstrapServers;

  @Option(names = "--schema-registry-url", paramLabel = "URL", description = "Its Confluent-compatible schema registry.")
  String schemaRegistryUrl;

  @Option(names = "--command-config", paramLabel = "FILE",
      description = "Client properties for the external cluster (security.protocol, sasl.*, ssl.*, basic.auth.*), as Kafka's tools take them.")
  Path commandConfig;

  @Option(names = "--kill-switch-public-key", paramLabel = "FILE",
      description = {"With --bootstrap-servers: a PEM public key of the running detector (openssl pkey -pubout);",
          "repeat it for both keys during a rotation. Kill-switch records it did not sign are not obeyed."})
  List<Path> killSwitchKeys = new ArrayList<>();

  @Option(names = "--operator-key", paramLabel = "FILE",
      description = {"With --bootstrap-servers: the PEM private key the scenario's operator steps sign with;",
          "the running detector must list its public key in operator-public-keys."})
  Path operatorKey;

  @Override
  public Integer call() throws Exception {
    Scenario scenario;
    try {
      scenario = ScenarioParser.parse(file);
    } catch (ScenarioException e) {
      System.err.println("crashwatch: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if ((bootstrapServers == null) != (schemaRegistryUrl == null)) {
      System.err.println("crashwatch: --bootstrap-servers and --schema-registry-url go together");
      return ExitCodes.USAGE;
    }
    if (bootstrapServers != null && !scenario.operator().isEmpty() && operatorKey == null) {
      System.err.println("crashwatch: " + scenario.name() + " has operator steps: against a running detector they need --operator-key");
      return ExitCodes.USAGE;
    }
    if ((bootstrapServers == null) != killSwitchKeys.isEmpty()) {
      System.err.println("crashwatch: --kill-switch-public-key goes with --bootstrap-servers, and an external detector needs it");
      return ExitCodes.USAGE;
    }
    ScenarioReport result = bootstrapServers == null ? embedded(scenario) : external(scenario);
    System.out.println(result.toJsonString());
    if (report != null) {
      result.write(report);
      System.out.println("Report written to " + report);
    }
    int exit = ExitCodes.of(result);
    if (exit != ExitCodes.OK) {
      System.err.printf("crashwatch: %d false and %d missed halts; alerts expected and never fired: %s%n",
          result.falseHalts(), result.missedHalts(), result.missedAlerts().isEmpty() ? "none" : result.missedAlerts());
    }
    return exit;
  }

  private ScenarioReport embedded(Scenario scenario) throws Exception {
    System.out.println("crashwatch: starting an embedded Kafka broker, schema registry and detector...");
    try (EmbeddedStack stack = EmbeddedStack.start(scenario.detectorSettings())) {
      System.out.printf("  Kafka broker %s, schema registry %s%n", stack.bootstrapServers(), stack.schemaRegistryUrl());
      Map<String, Object> client = Map.of("bootstrap.servers", stack.bootstrapServers(),
          "schema.registry.url", stack.schemaRegistryUrl());
      return ScenarioRunner.run(scenario, client, stack.settings().topics(), stack.keys(), null, new LiveView(System.out));
    }
  }

  private ScenarioReport external(Scenario scenario) throws Exception {
    if (!scenario.detector().isEmpty()) {
      System.err.println("crashwatch: the running detector's own settings apply, not the scenario's detector block "
          + scenario.detector());
    }
    Map<String, Object> client = new HashMap<>();
    if (commandConfig != null) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(commandConfig)) {
        p.load(r);
      } catch (IOException e) {
        System.err.println("crashwatch: cannot read " + commandConfig + ": " + e.getMessage());
        throw e;
      }
      p.stringPropertyNames().forEach(k -> client.put(k, p.getProperty(k)));
    }
    client.put("bootstrap.servers", bootstrapServers);
    client.put("schema.registry.url", schemaRegistryUrl);
    String runId = UUID.randomUUID().toString().substring(0, 8);
    System.out.println("crashwatch: run " + runId + " against " + bootstrapServers + " (fleet ids end in -" + runId + ")");
    List<PublicKey> keys = new ArrayList<>();
    for (Path file : killSwitchKeys) {
      keys.add(Ed25519Keys.readPublic(file));
    }
    KillSwitchSigner operator = operatorKey == null ? null : new KillSwitchSigner(Ed25519Keys.readPrivate(operatorKey));
    return ScenarioRunner.run(scenario, client, TopicNames.defaults(), new ScenarioKeys(new KillSwitchVerifier(keys), operator),
        runId, new LiveView(System.out));
  }
}
