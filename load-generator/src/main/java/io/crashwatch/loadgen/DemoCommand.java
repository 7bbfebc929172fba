package io.crashwatch.loadgen;

import io.crashwatch.detector.config.Durations;
import io.crashwatch.loadgen.scenario.Scenario;
import io.crashwatch.loadgen.scenario.ScenarioParser;
import io.crashwatch.loadgen.sim.RolloutProgress;
import io.crashwatch.loadgen.sim.ScenarioReport;
import io.crashwatch.loadgen.sim.ScenarioRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./crashwatch demo}: the july-19 scenario — the 2024 content update, staged — on the embedded
 * stack with a live view, then how far it got next to how far it got in 2024.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Starts an embedded Kafka broker, schema registry and the detector on 127.0.0.1 and plays the",
        "july-19 scenario: a faulty channel-291 content update rolled out in waves to 5,000 hosts, crashing them",
        "with 0x50 in csagent.sys. Ends with the time to halt and the hosts hit, next to 19 July 2024's figures.",
        "Ctrl-C stops everything cleanly. Exit code 3 when any halt is false or missed."})
public final class DemoCommand implements Callable<Integer> {
  static final String SCENARIO = "scenarios/july-19.yaml";

  private final PrintStream out = System.out;

  @Option(names = "--alertmanager-url", paramLabel = "URL",
      description = "Send the demo's alerts to this Alertmanager (API v2), e.g. http://127.0.0.1:9093.")
  String alertmanagerUrl;

  @Option(names = "--linger", paramLabel = "DURATION", defaultValue = "0s",
      description = "Keep the stack up this long after the scenario ends (e.g. 10m), to ask status or look at the alerts.")
  String linger;

  @Override
  public Integer call() throws Exception {
    Scenario scenario = ScenarioParser.parse(resource(SCENARIO), SCENARIO);
    Duration lingerFor;
    Map<String, String> detector = new HashMap<>(scenario.detectorSettings());
    try {
      lingerFor = Durations.parse(linger);
    } catch (IllegalArgumentException e) {
      System.err.println("crashwatch demo: --linger: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    if (alertmanagerUrl != null) {
      detector.put("alertmanager-urls", alertmanagerUrl);
    }
    out.println("crashwatch demo: starting an embedded Kafka broker, schema registry and detector...");
    EmbeddedStack started;
    try {
      started = EmbeddedStack.start(detector);
    } catch (ConfigException e) {
      System.err.println("crashwatch demo: invalid setting: " + e.getMessage());
      return ExitCodes.USAGE;
    }
    try (EmbeddedStack stack = started) {
      Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "crashwatch-demo-stop")); // Ctrl-C
      out.printf("  Kafka broker     %s   (watch the crashwatch.* topics with your own tools)%n", stack.bootstrapServers());
      out.printf("  schema registry  %s%n", stack.schemaRegistryUrl());
      out.printf("  dashboard        http://127.0.0.1:%d/%n", stack.detectorHttpPort());
      out.printf("  detector health  http://127.0.0.1:%d/health%n", stack.detectorHttpPort());
      out.printf("  status           ./crashwatch status --detector http://127.0.0.1:%d%n", stack.detectorHttpPort());
      if (alertmanagerUrl != null) {
        out.printf("  alerts to        %s%n", alertmanagerUrl);
      }
      out.println();
      out.printf("Playing %s: %s, %d s. Channel-291 r41 rolls out in waves %s, one every %s.%n",
          scenario.name(), fleetsLine(scenario), scenario.duration().toSeconds(),
          scenario.rollouts().get(0).waves(), Durations.format(scenario.rollouts().get(0).waveInterval()));
      Map<String, Object> client = Map.of("bootstrap.servers", stack.bootstrapServers(),
          "schema.registry.url", stack.schemaRegistryUrl());
      LiveView view = new LiveView(out);
      ScenarioReport report = ScenarioRunner.run(scenario, client, stack.settings().topics(), stack.keys(), null, view);
      summary(report);
      if (!lingerFor.isZero()) {
        out.printf("%nThe stack stays up for %s (Ctrl-C ends it): the dashboard at http://127.0.0.1:%d/,"
            + " ./crashwatch status --detector http://127.0.0.1:%d%n", Durations.format(lingerFor), stack.detectorHttpPort(),
            stack.detectorHttpPort());
        Thread.sleep(lingerFor.toMillis());
      }
      return ExitCodes.of(report);
    }
  }

  private void summary(ScenarioReport report) {
    out.println();
    for (RolloutProgress r : report.rollouts()) {
      if (!r.isHalted()) {
        out.printf("%s/%s %s was NOT halted: %d devices installed it, %d crashed.%n",
            r.fleet(), r.component(), r.version(), r.installed(), r.crashed());
        continue;
      }
      Long latency = r.haltLatencyMs();
      out.printf("HALT %s/%s/%s (%s) %s after the first crash.%n", r.fleet(), r.component(), r.version(), r.haltedBy(),
          latency == null ? "before any crash" : String.format("%.1f s", latency / 1000.0));
      out.printf("Before the halt took effect, %d hosts installed %s and %d crashed; the rest never got it.%n%n",
          r.installed(), r.version(), r.crashed());
      out.println("19 July 2024:  78 minutes to pull the update, about 8.5 million hosts in boot loops.");
      out.printf("crashwatch:    %s, %d hosts.%n", latency == null ? "before any crash" : String.format("%.1f seconds", latency / 1000.0),
          r.crashed());
    }
    for (String target : report.otherHalts()) {
      out.printf("FALSE HALT %s: no rollout of the scenario has it.%n", target);
    }
    out.printf("%n%,d events produced, %,.0f per second; false halts %d, missed halts %d.%n",
        report.eventsProduced(), report.eventsPerSecond(), report.falseHalts(), report.missedHalts());
  }

  private static String fleetsLine(Scenario s) {
    StringBuilder b = new StringBuilder();
    s.fleets().forEach(f -> b.append(b.length() == 0 ? "" : ", ").append(String.format("%s (%,d hosts)", f.id(), f.devices())));
    return b.toString();
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = DemoCommand.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException(name + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
