package io.crashwatch.detector.http;

import io.crashwatch.detector.config.HttpSettings;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The detector's HTTP server (Javalin on Jetty 12). {@code GET /health}: 200 only while Kafka Streams is
 * RUNNING and no other problem is reported (e.g. {@code "registry":"unreachable"}, or the {@code "error"}
 * that stopped the detector), 503 otherwise, so a readiness probe routes nothing to an instance that is not
 * processing. {@code GET /live}: 200 while the process serves HTTP, whatever Kafka and the registry say: a
 * liveness probe that followed them would restart every instance at once in a broker outage. {@code GET
 * /metrics}: the Prometheus scrape. Under {@code /api/}: the read-only API its contributors register, behind
 * the bearer token when one is set, and refused beyond loopback when none is. Nothing here writes.
 */
public final class DetectorHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DetectorHttpServer.class);
  private static final Map<String, String> LIVE = Map.of("status", "ALIVE");
  /** Enough that a scraper slow to read /metrics never keeps the probes, or a peer's query, waiting. */
  private static final int MAX_THREADS = 16;
  /** Set on a request an API handler answered itself, 404s included. */
  static final String ANSWERED = "crashwatch.answered";
  /** Where the dashboard's files lie on the classpath. */
  static final String DASHBOARD = "/io/crashwatch/detector/dashboard";
  static final Map<String, String> PAGE_HEADERS = Map.of(
      "Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
      "X-Content-Type-Options", "nosniff",
      "Referrer-Policy", "no-referrer");

  /** What {@code /health} and {@code /metrics} report: cheap, called on every request. */
  public interface Probes {
    KafkaStreams.State state();

    /** What else keeps the detector from being ready, e.g. {@code registry -> unreachable}; empty when nothing does. */
    Map<String, String> problems();

    String scrape();
  }

  private final Javalin app;

  /**
   * Listens at once on {@code settings}' bind address and port.
   *
   * @param api what registers the routes under {@code /api/}; each handler answers JSON
   */
  public DetectorHttpServer(HttpSettings settings, Probes probes, List<Consumer<RoutesConfig>> api) {
    byte[] token = settings.token() == null ? null : settings.token().value().getBytes(StandardCharsets.UTF_8);
    boolean open = settings.loopbackOnly();
    app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.jsonMapper(new JavalinJackson(Json.MAPPER, false));
      config.http.prefer405over404 = true;
      config.jetty.threadPool = threadPool();
      // The dashboard: static files from the jar, and its chart library as a WebJar. Ids on it come from
      // telemetry, so it runs no script but its own, and loads and sends nothing anywhere else.
      config.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = DASHBOARD;
        files.location = Location.CLASSPATH;
        files.headers = PAGE_HEADERS;
      });
      config.staticFiles.enableWebjars();
      config.routes.get("/health", ctx -> {
        Health health = Health.of(probes.state(), probes.problems());
        ctx.status(health.ready() ? 200 : 503).json(health.body());
      });
      config.routes.get("/live", ctx -> ctx.json(LIVE));
      config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(probes.scrape()));
      config.routes.before("/api/*", ctx -> {
        String refused = refusal(ctx.header("Authorization"), token, open);
        if (refused != null) {
          ctx.status(token == null ? 403 : 401).json(Map.of("error", refused)).skipRemainingHandlers();
          if (token != null) {
            ctx.header("WWW-Authenticate", "Bearer");
          }
        }
      });
      api.forEach(routes -> routes.accept(config.routes));
      // Only where no handler answered: an API's own 404 ("unknown target") keeps its body.
      config.routes.error(404, ctx -> {
        if (ctx.attribute(ANSWERED) == null) {
          ctx.json(Map.of("error", "no such route: " + ctx.path()));
        }
      });
      config.routes.error(405, ctx -> ctx.json(Map.of("error", "read-only: only GET is served")));
      config.routes.exception(ApiException.class, (e, ctx) -> {
        ctx.attribute(ANSWERED, true);
        ctx.status(e.status()).json(e.body());
      });
      config.routes.exception(Exception.class, (e, ctx) -> {
        // The cause goes to the log, never to the caller: no stack traces, settings or keys in an answer.
        LOG.error("HTTP {} {} failed", ctx.method(), ctx.path(), e);
        ctx.status(500).json(Map.of("error", "internal error; see the detector's log"));
      });
    });
    app.start(settings.bind(), settings.port());
  }

  /** Why a request to the API is refused; null when it may pass. */
  static String refusal(String authorization, byte[] token, boolean loopbackOnly) {
    if (token == null) {
      return loopbackOnly ? null : "the API is served beyond loopback only with " + HttpSettings.HTTP_TOKEN + " set";
    }
    String prefix = "Bearer ";
    if (authorization == null || !authorization.startsWith(prefix)) {
      return "a bearer token is required";
    }
    // In constant time: a comparison that stops at the first wrong byte tells an attacker how far they got.
    byte[] given = authorization.substring(prefix.length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token) ? null : "wrong bearer token";
  }

  private static QueuedThreadPool threadPool() {
    QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2);
    pool.setName("crashwatch-http");
    pool.setDaemon(true);
    return pool;
  }

  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }

  /** The readiness answer. */
  record Health(boolean ready, Map<String, String> body) {
    static Health of(KafkaStreams.State state, Map<String, String> problems) {
      boolean ready = state == KafkaStreams.State.RUNNING && problems.isEmpty();
      Map<String, String> body = new LinkedHashMap<>();
      body.put("status", ready ? "UP" : "DOWN");
      body.put("state", state == null ? "STARTING" : state.name());
      body.putAll(new TreeMap<>(problems));
      return new Health(ready, body);
    }
  }

  /** Probes from three lambdas. */
  public static Probes probes(Supplier<KafkaStreams.State> state, Supplier<Map<String, String>> problems, Supplier<String> scrape) {
    return new Probes() {
      @Override
      public KafkaStreams.State state() {
        return state.get();
      }

      @Override
      public Map<String, String> problems() {
        return problems.get();
      }

      @Override
      public String scrape() {
        return scrape.get();
      }
    };
  }
}
