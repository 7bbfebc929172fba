package io.crashwatch.detector.http;

import io.crashwatch.detector.config.DetectorSettings;
import io.crashwatch.detector.topology.status.KillSwitchStatus;
import io.crashwatch.detector.topology.status.VersionStatus;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The status routes: {@code GET /api/v1/targets} (every target under test, halted, that cannot be judged or was
 * established lately, halted first) and {@code GET /api/v1/targets/{fleet}/{component}/{version}} ({@code *} as
 * fleet for the global target): why a target is halted, or not yet. Any instance answers any key, asking the one
 * that holds it on the internal routes, which answer from their own stores only. Read-only; bounded.
 */
public final class StatusApi implements Consumer<RoutesConfig> {
  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 5_000;
  /** Ids as the detector's input validation takes them. */
  static final int MAX_NAME = 128;

  private final AtomicReference<StatusQueries> queries = new AtomicReference<>();

  /** From now on the routes answer from these queries; until then, 503. */
  public void serve(StatusQueries q) {
    queries.set(q);
  }

  /** Queries of {@code streams}' stores, for an instance others reach at {@code self}. */
  public static StatusQueries queries(Supplier<KafkaStreams> streams, HostInfo self, DetectorSettings settings) {
    return new StatusQueries(streams, self, settings, new Peers(settings.http().token()));
  }

  @Override
  public void accept(RoutesConfig routes) {
    routes.get("/api/v1/targets", ctx -> {
      int limit = limit(ctx); // a bad parameter is a 400 even while the detector starts
      Map<String, Object> answer = queries().targets(limit);
      ctx.status(Boolean.TRUE.equals(answer.get("complete")) ? 200 : 503).json(answer);
    });
    routes.get("/api/v1/targets/{fleet}/{component}/{version}", ctx -> {
      String fleet = name(ctx, "fleet", true);
      String component = name(ctx, "component", false);
      String version = name(ctx, "version", false);
      ctx.json(fleet.equals("*") ? queries().globalTarget(component, version) : queries().fleetTarget(fleet, component, version));
    });
    routes.get(Peers.INTERNAL + "/targets", ctx -> {
      int limit = limit(ctx);
      ctx.json(queries().localTargets(limit));
    });
    routes.get(Peers.INTERNAL + "/versions/{fleet}/{component}/{version}", ctx -> {
      String fleet = name(ctx, "fleet", false);
      String component = name(ctx, "component", false);
      String version = name(ctx, "version", false);
      VersionStatus v = queries().localVersion(fleet, component, version, stale(ctx));
      found(ctx, v);
    });
    routes.get(Peers.INTERNAL + "/kill-switch/{component}/{version}", ctx -> {
      String component = name(ctx, "component", false);
      String version = name(ctx, "version", false);
      KillSwitchStatus k = queries().localKillSwitch(component, version, stale(ctx));
      found(ctx, k);
    });
    routes.exception(InvalidStateStoreException.class, (e, ctx) -> ctx.status(503).json(Map.of("error",
        "the store that holds it is restoring or moving between instances; ask again in a few seconds")));
  }

  private StatusQueries queries() {
    StatusQueries q = queries.get();
    if (q == null) {
      throw new ApiException(503, "the detector is starting");
    }
    return q;
  }

  private static void found(Context ctx, Object value) {
    if (value == null) {
      ctx.attribute(DetectorHttpServer.ANSWERED, true);
      ctx.status(404).json(Map.of("error", "not held here"));
    } else {
      ctx.json(value);
    }
  }

  private static boolean stale(Context ctx) {
    return "true".equals(ctx.queryParam("stale"));
  }

  static int limit(Context ctx) {
    String text = ctx.queryParam("limit");
    if (text == null) {
      return DEFAULT_LIMIT;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= MAX_LIMIT) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new ApiException(400, "limit must be a whole number from 1 to " + MAX_LIMIT + ", got '" + text + "'");
  }

  /** A fleet id, component or version as the detector takes them from telemetry; {@code *} only as a fleet. */
  static String name(Context ctx, String param, boolean starAllowed) {
    String value = ctx.pathParam(param);
    if (value.equals("*") && starAllowed) {
      return value;
    }
    boolean valid = !value.isEmpty() && value.length() <= MAX_NAME && !value.equals("*") && !value.contains("/")
        && value.codePoints().noneMatch(Character::isISOControl);
    if (!valid) {
      throw new ApiException(400, param + " must be 1 to " + MAX_NAME + " characters, without '/' or control characters"
          + (starAllowed ? ", or '*' for the global target" : ", and not '*'"));
    }
    return value;
  }
}
