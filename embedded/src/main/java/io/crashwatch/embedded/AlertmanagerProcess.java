package io.crashwatch.embedded;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) on 127.0.0.1, routing every alert
 * to a webhook: what the delivery tests, the benchmark and a demo talk to. One route groups by {@code alert_id}, so
 * each alert is its own notification, sent at once and again only after {@code repeat_interval} (an hour), and
 * resolves are notified too. Stopped and started again it keeps its storage (silences and the log of what it
 * notified), as a restarted Alertmanager does, and its port.
 */
public final class AlertmanagerProcess implements AutoCloseable {
  /** The Debian package that has it, for the message of a test that cannot run without it. */
  public static final String PACKAGE = "prometheus-alertmanager";
  private static final List<String> BINARIES = List.of("prometheus-alertmanager", "alertmanager");
  private static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** An alert as Alertmanager's {@code GET /api/v2/alerts} shows it. */
  public record Alert(Map<String, String> labels, Map<String, String> annotations, String startsAt, String endsAt,
                      String generatorURL, Map<String, Object> status) {
    public String state() {
      return status == null ? null : String.valueOf(status.get("state"));
    }
  }

  private final Path binary;
  private final Path dir;
  private final int port;
  private Process process;

  private AlertmanagerProcess(Path binary, Path dir, int port) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
  }

  /** The Alertmanager binary on this machine, if it has one. */
  public static Optional<Path> binary() {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/bin", "/usr/local/bin"))
        .flatMap(d -> BINARIES.stream().map(b -> Path.of(d, b)))
        .filter(Files::isExecutable).findFirst();
  }

  /** Starts one in {@code dir} (its configuration, storage and log), notifying {@code webhook}. */
  public static AlertmanagerProcess start(Path dir, URI webhook) throws IOException, InterruptedException {
    Path binary = binary().orElseThrow(() -> new IllegalStateException("No Alertmanager on this machine: install Debian's "
        + PACKAGE));
    Files.createDirectories(dir.resolve("data"));
    Files.writeString(dir.resolve("alertmanager.yml"), """
        route:
          receiver: webhook
          group_by: [alert_id]
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: webhook
            webhook_configs:
              - url: "%s"
                send_resolved: true
        """.formatted(webhook));
    AlertmanagerProcess alertmanager = new AlertmanagerProcess(binary, dir, freePort());
    alertmanager.start();
    return alertmanager;
  }

  /** Starts it (again) on its port, with its storage, and waits until it is ready. */
  public void start() throws IOException, InterruptedException {
    process = new ProcessBuilder(binary.toString(), "--config.file=" + dir.resolve("alertmanager.yml"),
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=", "--log.level=warn")
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("alertmanager.log").toFile()))
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Alertmanager exited with " + process.exitValue() + ": "
            + Files.readString(dir.resolve("alertmanager.log")));
      }
      if (ready()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("Alertmanager was not ready within 30 s");
  }

  private boolean ready() {
    try {
      return get("/-/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops it as a supervisor does (SIGTERM), keeping its storage. */
  public void stop() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + port);
  }

  /** What {@code GET /api/v2/alerts} lists: the alerts it holds, active, suppressed or not yet resolved. */
  public List<Alert> alerts() {
    try {
      HttpResponse<String> response = get("/api/v2/alerts");
      if (response.statusCode() != 200) {
        throw new IOException("GET /api/v2/alerts: HTTP " + response.statusCode() + " " + response.body());
      }
      return JSON.readValue(response.body(), new TypeReference<List<Alert>>() { });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The alert with this {@code alert_id} label, if Alertmanager holds it. */
  public Optional<Alert> alert(String alertId) {
    return alerts().stream().filter(a -> alertId.equals(a.labels().get("alert_id"))).findFirst();
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
