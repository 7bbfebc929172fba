package io.crashwatch.detector;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DetectorMainTest {

  @Test
  void shouldRefuseAMissingSettingsFileWithAClearMessage() {
    StringBuilder err = new StringBuilder();
    int exit = run(err, "--config", "/nonexistent/detector.properties");

    assertThat(exit).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(err.toString()).contains("Cannot read settings file /nonexistent/detector.properties").doesNotContain("\tat ");
  }

  /** Without its signing key the detector stops before it touches the cluster (here: no broker at all). */
  @Test
  void shouldRefuseToStartWithoutASigningKeyBeforeConnecting(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("detector.properties"),
        "bootstrap.servers=127.0.0.1:1\nschema.registry.url=http://127.0.0.1:1\n");
    StringBuilder err = new StringBuilder();

    int exit = run(err, "--config", config.toString());

    assertThat(exit).isEqualTo(DetectorMain.EXIT_BAD_CONFIG);
    assertThat(err.toString()).contains("kill-switch-signing-key").doesNotContain("\tat ");
  }

  private static int run(StringBuilder err, String... args) {
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      return new CommandLine(new DetectorMain()).execute(args);
    } finally {
      System.setErr(before);
      err.append(captured.toString(StandardCharsets.UTF_8));
    }
  }
}
