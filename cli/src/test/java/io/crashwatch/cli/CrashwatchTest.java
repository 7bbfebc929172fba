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
        .containsExactlyInAnyOrder("demo", "scenario", "bench", "detector", "halt", "resume", "break-glass", "shadow",
            "enforce", "status", "backtest");
  }

  @Test
  void shouldRefuseAResumeWithoutAKeyNamingTheMissingOption() {
    StringWriter err = new StringWriter();
    CommandLine root = new CommandLine(new Crashwatch()).setErr(new PrintWriter(err));

    int exit = root.execute("resume", "airline-ops/channel-291/r41", "--reason", "fixed");

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--key=FILE'");
  }

  /** A shadow mark ends by itself: it has no default length. And it marks a fleet, not a target. */
  @Test
  void shouldRefuseAShadowMarkWithoutAnEndOrOfATarget() {
    StringWriter err = new StringWriter();
    CommandLine root = new CommandLine(new Crashwatch()).setErr(new PrintWriter(err));

    assertThat(root.execute("shadow", "west-stores", "--key", "sre.pem", "--reason", "new fleet")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--for=DURATION'");

    java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
    java.io.PrintStream before = System.err;
    System.setErr(new java.io.PrintStream(stderr, true));
    try {
      assertThat(root.execute("shadow", "west-stores/sensor/7.12", "--for", "14d", "--key", "sre.pem", "--reason", "x"))
          .isEqualTo(2);
    } finally {
      System.setErr(before);
    }
    assertThat(stderr.toString()).contains("'west-stores/sensor/7.12' is not a fleet id");
  }
}
