package io.crashwatch.loadgen;

import io.crashwatch.loadgen.sim.Progress;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The scenario's progress as a few lines redrawn in place on a terminal; into a log or pipe, a line
 * every five seconds and each halt as it happens.
 */
final class LiveView implements Consumer<Progress> {
  private final PrintStream out;
  private final boolean terminal = System.console() != null;
  private int drawn;
  private long lastPrintedMs = -5_000;
  private int haltsPrinted;

  LiveView(PrintStream out) {
    this.out = out;
  }

  @Override
  public void accept(Progress p) {
    String status = String.format(Locale.ROOT, "  %5.1f s   devices updated %6d   failed %6d   dark %6d   events/s %,8.0f",
        p.elapsedMs() / 1000.0, p.updated(), p.crashed(), p.dark(), p.eventsPerSecond());
    if (terminal) {
      StringBuilder screen = new StringBuilder();
      if (drawn > 0) {
        screen.append("\033[").append(drawn).append("F"); // back to the first line drawn last time
      }
      screen.append("\033[2K").append(status).append('\n');
      for (String halt : p.halts()) {
        screen.append("\033[2K  ").append(halt).append('\n');
      }
      out.print(screen);
      drawn = 1 + p.halts().size();
    } else {
      if (p.elapsedMs() - lastPrintedMs >= 5_000) {
        out.println(status);
        lastPrintedMs = p.elapsedMs();
      }
      for (; haltsPrinted < p.halts().size(); haltsPrinted++) {
        out.println("  " + p.halts().get(haltsPrinted));
      }
    }
    out.flush();
  }
}
