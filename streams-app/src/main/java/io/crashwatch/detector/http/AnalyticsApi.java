package io.crashwatch.detector.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The analysts' routes, read-only and bounded: {@code GET /api/v1/fleets} (devices, the versions of each component
 * with their devices, incidents under way), {@code GET /api/v1/fleets/{fleet}/components/{component}/versions}
 * (every version with its status), {@code GET /api/v1/crash-rates} (a version's minutes against its control and
 * predecessor), {@code GET /api/v1/signatures} (a version's top crash signatures, new or regressed) and
 * {@code GET /api/v1/halts} (standing and past halts, with evidence and who
 * lifted them). A list gathered from several instances says which could not be reached, with a 503.
 */
public final class AnalyticsApi implements Consumer<RoutesConfig> {
  static final int DEFAULT_FLEETS = 1_000;
  static final int MAX_FLEETS = 10_000;
  static final int DEFAULT_HALTS = 100;
  static final int MAX_HALTS = 1_000;
  /** The longest span of one crash-rate answer: a day of minutes. */
  static final Duration MAX_SPAN = Duration.ofDays(1);
  static final Duration DEFAULT_SPAN = Duration.ofHours(1);
  static final int DEFAULT_SIGNATURES = 10;
  static final int MAX_SIGNATURES = 100;

  private final Serving<AnalyticsQueries> queries = new Serving<>();

  void serve(AnalyticsQueries q) {
    queries.set(q);
  }

  @Override
  public void accept(RoutesConfig routes) {
    routes.get("/api/v1/fleets", ctx -> {
      int limit = Params.limit(ctx, DEFAULT_FLEETS, MAX_FLEETS);
      gathered(ctx, queries.get().fleets(limit));
    });
    routes.get("/api/v1/fleets/{fleet}/components/{component}/versions", ctx -> {
      String fleet = Params.name(ctx, "fleet", false);
      String component = Params.name(ctx, "component", false);
      ctx.json(queries.get().versions(fleet, component));
    });
    routes.get("/api/v1/halts", ctx -> {
      AnalyticsQueries.HaltFilter filter = filter(ctx);
      int limit = Params.limit(ctx, DEFAULT_HALTS, MAX_HALTS);
      gathered(ctx, queries.get().halts(filter, limit));
    });
    routes.get("/api/v1/crash-rates", ctx -> {
      String fleet = Params.requiredName(ctx, "fleet");
      String component = Params.requiredName(ctx, "component");
      String version = Params.requiredName(ctx, "version");
      long[] span = span(ctx);
      ctx.json(queries.get().crashRates(fleet, component, version, span[0], span[1]));
    });
    routes.get(Peers.INTERNAL + "/crash-rates/{fleet}/{component}/{version}", ctx -> {
      String fleet = Params.name(ctx, "fleet", false);
      String component = Params.name(ctx, "component", false);
      String version = Params.name(ctx, "version", false);
      long[] span = span(ctx);
      Peers.found(ctx, queries.get().localCrashRates(fleet, component, version, span[0], span[1], Params.stale(ctx)));
    });
    routes.get("/api/v1/signatures", ctx -> {
      String fleet = Params.requiredName(ctx, "fleet");
      String component = Params.requiredName(ctx, "component");
      String version = Params.requiredName(ctx, "version");
      int limit = Params.limit(ctx, DEFAULT_SIGNATURES, MAX_SIGNATURES);
      ctx.json(queries.get().signatures(fleet, component, version, limit));
    });
    routes.get(Peers.INTERNAL + "/signatures/{fleet}/{component}/{version}", ctx -> {
      String fleet = Params.name(ctx, "fleet", false);
      String component = Params.name(ctx, "component", false);
      String version = Params.name(ctx, "version", false);
      int limit = Params.limit(ctx, DEFAULT_SIGNATURES, MAX_SIGNATURES);
      Peers.found(ctx, queries.get().localSignatures(fleet, component, version, limit, Params.stale(ctx)));
    });
    routes.get(Peers.INTERNAL + "/fleets", ctx -> ctx.json(queries.get().localFleets()));
    routes.get(Peers.INTERNAL + "/fleet-versions/{fleet}/{component}", ctx -> {
      String fleet = Params.name(ctx, "fleet", false);
      String component = Params.name(ctx, "component", false);
      Peers.found(ctx, queries.get().localVersions(fleet, component, Params.stale(ctx)));
    });
    routes.get(Peers.INTERNAL + "/halts", ctx -> {
      AnalyticsQueries.HaltFilter filter = filter(ctx);
      int limit = Params.limit(ctx, DEFAULT_HALTS, MAX_HALTS);
      ctx.json(queries.get().localHalts(filter, limit));
    });
  }

  /** {@code from} and {@code to}: by default the last hour; at most {@link #MAX_SPAN}. */
  private static long[] span(Context ctx) {
    long to = Params.instant(ctx, "to", System.currentTimeMillis());
    long from = Params.instant(ctx, "from", to - DEFAULT_SPAN.toMillis());
    if (from >= to || to - from > MAX_SPAN.toMillis()) {
      throw new ApiException(400, "from must be before to, and at most " + MAX_SPAN.toHours() + "h before it");
    }
    return new long[] {from, to};
  }

  private static AnalyticsQueries.HaltFilter filter(Context ctx) {
    return new AnalyticsQueries.HaltFilter(Params.optionalName(ctx, "fleet"), Params.optionalName(ctx, "component"),
        Params.optionalName(ctx, "version"));
  }

  /** A list from every instance: 503 when a part is missing, so a client never takes part of it for all of it. */
  private static void gathered(Context ctx, Map<String, Object> answer) {
    ctx.status(Boolean.TRUE.equals(answer.get("complete")) ? 200 : 503).json(answer);
  }
}
