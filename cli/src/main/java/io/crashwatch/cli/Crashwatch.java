package io.crashwatch.cli;

import io.crashwatch.detector.DetectorMain;
import io.crashwatch.detector.OperatorMain;
import io.crashwatch.detector.http.StatusCommand;
import io.crashwatch.loadgen.DemoCommand;
import io.crashwatch.loadgen.ScenarioCommand;
import io.crashwatch.loadgen.backtest.BacktestCommand;
import io.crashwatch.loadgen.bench.BenchCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./crashwatch}: one root for every command. The detector's own runtime (streams-app, what an
 * image runs) carries no embedded broker; this module puts it together with the tools that do.
 */
@Command(name = "crashwatch", mixinStandardHelpOptions = true,
    description = "crashwatch: a crash-spike detector for software rollouts, and the tools around it.",
    subcommands = {DemoCommand.class, ScenarioCommand.class, BenchCommand.class, DetectorMain.class,
        OperatorMain.Halt.class, OperatorMain.Resume.class, OperatorMain.BreakGlassCommand.class,
        OperatorMain.Shadow.class, OperatorMain.Enforce.class, StatusCommand.class,
        BacktestCommand.class})
public final class Crashwatch {

  public static void main(String[] args) {
    if (args.length == 0 || !"detector".equals(args[0])) {
      // Quieter than the detector's logback.xml: the tools print their own progress.
      System.setProperty("logback.configurationFile", "logback-tool.xml");
    }
    System.exit(new CommandLine(new Crashwatch()).execute(args));
  }
}
