package io.crashwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** One root, every command the README names, each with its own help. */
class CrashwatchTest {

  @Test
  void shouldOfferEveryCommandUnderOneRoot() {
    CommandLine root = new CommandLine(new Crashwatch());

    assertThat(root.getSubcommands().keySet())
        .containsExactlyInAnyOrder("demo", "scenario", "bench", "detector", "halt", "resume", "break-glass", "status", "backtest");
  }

  @Test
  void shouldRefuseAResumeWithoutAKeyNamingTheMissingOption() {
    StringWriter err = new StringWriter();
    CommandLine root = new CommandLine(new Crashwatch()).setErr(new PrintWriter(err));

    int exit = root.execute("resume", "airline-ops/channel-291/r41", "--reason", "fixed");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--key=FILE'");
  }
}
