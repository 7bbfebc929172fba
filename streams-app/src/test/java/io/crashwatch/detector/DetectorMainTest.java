package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DetectorMainTest {

  @Test
  void shouldRefuseAMissingSettingsFileWithAClearMessage() {
    PrintStream err = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = new CommandLine(new DetectorMain()).execute("--config", "/nonexistent/detector.properties");
    } finally {
      System.setErr(err);
    }

    assertThat(exit).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("Cannot read settings file /nonexistent/detector.properties")
        .doesNotContain("\tat ");
  }
}
