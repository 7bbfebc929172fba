package io.crashwatch.loadgen;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The user-facing commands that play scenarios: {@code ./crashwatch demo} and {@code ./crashwatch scenario}. */
@Command(name = "crashwatch", mixinStandardHelpOptions = true,
    description = "crashwatch on an embedded Kafka broker and schema registry.",
    subcommands = {DemoCommand.class, ScenarioCommand.class, io.crashwatch.loadgen.bench.BenchCommand.class})
public final class CrashwatchTool {

  public static void main(String[] args) {
    // Quieter than the detector's logback.xml, which is on the classpath too: the tool prints its own progress.
    System.setProperty("logback.configurationFile", "logback-tool.xml");
    System.exit(new CommandLine(new CrashwatchTool()).execute(args));
  }
}
