package io.crashwatch.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opentest4j.TestAbortedException;

/** Prometheus' own rule and metrics checker, from Debian's {@code prometheus} package: a test without it skips. */
final class Promtool {
  static final String PACKAGE = "prometheus";

  /** What it printed and how it exited. */
  record Run(int exit, String output) {
  }

  private Promtool() {
  }

  static Path binary() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/bin", "/usr/local/bin")).map(d -> Path.of(d, "promtool"))
        .filter(Files::isExecutable).findFirst()
        .orElseThrow(() -> new TestAbortedException("needs promtool: install Debian's " + PACKAGE));
  }

  /** {@code promtool ARGS} in {@code dir}, with {@code stdin} as its input when given. */
  static Run run(Path dir, String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary().toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("promtool " + args[0] + " did not finish in 60 s");
    }
    return new Run(p.exitValue(), output);
  }
}
