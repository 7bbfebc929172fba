package io.crashwatch.loadgen.bench;

import io.crashwatch.detector.DetectorMain;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The detector in a process of its own, so its memory is its own and it can be killed as a pod is: started
 * through {@link DetectorMain}.
 */
public final class ChildDetector implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path stateDir;

  private ChildDetector(Process process, int port, Path stateDir) {
    this.process = process;
    this.port = port;
    this.stateDir = stateDir;
  }

  /** Starts a detector in {@code dir} (its settings file, state and log) with these settings; http-port is chosen here. */
  public static ChildDetector start(Path dir, List<String> settings, String heap) throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path stateDir = dir.resolve("state");
    List<String> lines = new ArrayList<>(settings);
    lines.add("http-port=" + port);
    lines.add("state.dir=" + stateDir);
    Path config = dir.resolve("detector.properties");
    Files.write(config, lines);
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
        DetectorMain.class.getName(), "--config", config.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("detector.log").toFile()).start();
    return new ChildDetector(process, port, stateDir);
  }

  public void awaitReady(Duration timeout) throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpClient http = HttpClient.newHttpClient();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("The detector exited with " + process.exitValue() + "; see detector.log");
      }
      try {
        if (http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new TimeoutException("The detector was not ready within " + timeout);
  }

  /** The sum of every series of a metric on the detector's {@code /metrics} (0 when it has none yet). */
  public double metric(String name) throws IOException, InterruptedException {
    String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  /** The port of its HTTP server. */
  public int port() {
    return port;
  }

  /**
   * Java heap in use right after a full GC, from {@code jcmd}: young plus old generation of the
   * parallel collector the child runs with. Metaspace, also "used" in that output, is not heap.
   */
  long heapAfterGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher m = Pattern.compile("(PSYoungGen|ParOldGen)\\s+total \\d+K, used (\\d+)K").matcher(info);
    long usedKb = 0;
    int generations = 0;
    while (m.find()) {
      usedKb += Long.parseLong(m.group(2));
      generations++;
    }
    if (generations != 2) {
      throw new IOException("No young and old generation in GC.heap_info: " + info);
    }
    return usedKb * 1024;
  }

  /** Resident set size of the process, from /proc. */
  long rss() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
      }
    }
    throw new IOException("No VmRSS for process " + process.pid());
  }

  /** Bytes the detector's stores take on disk, by store ({@code other}: checkpoints and the like). */
  Map<String, Long> stateBytes() throws IOException {
    try (Stream<Path> files = Files.walk(stateDir)) {
      return files.filter(Files::isRegularFile).collect(Collectors.groupingBy(ChildDetector::storeOf, TreeMap::new,
          Collectors.summingLong(p -> p.toFile().length())));
    }
  }

  /** {@code <state.dir>/<application.id>/<task>/rocksdb/<store>/...}. */
  private static String storeOf(Path file) {
    for (int i = 0; i + 1 < file.getNameCount(); i++) {
      if (file.getName(i).toString().equals("rocksdb")) {
        return file.getName(i + 1).toString();
      }
    }
    return "other";
  }

  private String jcmd(String command) throws IOException, InterruptedException {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  /** SIGKILL, as a node that dies or the OOM killer: no commit, no goodbye to the group. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, as Kubernetes stops a pod: the detector closes cleanly. Waits for it, then kills what is left. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
