package io.crashwatch.detector;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The detector in a child JVM, as Kubernetes runs it: {@code DetectorMain --config FILE} plus environment. */
final class DetectorProcess implements AutoCloseable {
  final Process process;
  final int port;
  final Path log;

  private DetectorProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** Starts the detector with these settings (http-port is chosen here) and the given environment. */
  static DetectorProcess start(Path dir, String name, List<String> settings, Map<String, String> env) throws IOException {
    int port = freePort();
    Path config = dir.resolve(name + ".properties");
    List<String> lines = new ArrayList<>(settings);
    lines.add("http-port=" + port);
    if (lines.stream().noneMatch(l -> l.startsWith("kill-switch-signing-key="))) {
      lines.add("kill-switch-signing-key=" + TestKeys.signingKeyFile());
    }
    Files.write(config, lines);
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder = command("--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new DetectorProcess(builder.start(), port, log);
  }

  static ProcessBuilder command(String... args) {
    // Surefire and Failsafe set java.class.path to the whole test classpath, target/test-classes
    // included: that is how test-only classes such as HaltOnKillSwitchAck reach the child JVM.
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), DetectorMain.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  DetectorProcess awaitReady() {
    await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> health() == 200);
    return this;
  }

  int health() throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
