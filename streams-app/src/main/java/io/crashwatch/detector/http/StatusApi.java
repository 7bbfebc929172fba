package io.crashwatch.detector.http;

import io.crashwatch.detector.topology.status.KillSwitchStatus;
import io.crashwatch.detector.topology.status.VersionStatus;
import io.javalin.config.RoutesConfig;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The status routes: {@code GET /api/v1/targets} (every target under test, halted, that cannot be judged or was
 * established lately, halted first) and {@code GET /api/v1/targets/{fleet}/{component}/{version}} ({@code *} as
 * fleet for the global target): why a target is halted, or not yet. Any instance answers any key, asking the one
 * that holds it on the internal routes, which answer from their own stores only. Read-only; bounded.
 */
public final class StatusApi implements Consumer<RoutesConfig> {
  static final int DEFAULT_LIMIT = 500;
  static final int MAX_LIMIT = 5_000;

  private final Serving<StatusQueries> queries = new Serving<>();

  /** From now on the routes answer from these queries; until then, 503. */
  void serve(StatusQueries q) {
    queries.set(q);
  }

  @Override
  public void accept(RoutesConfig routes) {
    routes.get("/api/v1/targets", ctx -> {
      int limit = Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT); // a bad parameter is a 400 even while the detector starts
      Map<String, Object> answer = queries().targets(limit);
      ctx.status(Boolean.TRUE.equals(answer.get("complete")) ? 200 : 503).json(answer);
    });
    routes.get("/api/v1/targets/{fleet}/{component}/{version}", ctx -> {
      String fleet = Params.name(ctx, "fleet", true);
      String component = Params.name(ctx, "component", false);
      String version = Params.name(ctx, "version", false);
      ctx.json(fleet.equals("*") ? queries().globalTarget(component, version) : queries().fleetTarget(fleet, component, version));
    });
    routes.get(Peers.INTERNAL + "/targets", ctx -> {
      int limit = Params.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
      ctx.json(queries().localTargets(limit));
    });
    routes.get(Peers.INTERNAL + "/versions/{fleet}/{component}/{version}", ctx -> {
      String fleet = Params.name(ctx, "fleet", false);
      String component = Params.name(ctx, "component", false);
      String version = Params.name(ctx, "version", false);
      VersionStatus v = queries().localVersion(fleet, component, version, Params.stale(ctx));
      Peers.found(ctx, v);
    });
    routes.get(Peers.INTERNAL + "/kill-switch/{component}/{version}", ctx -> {
      String component = Params.name(ctx, "component", false);
      String version = Params.name(ctx, "version", false);
      KillSwitchStatus k = queries().localKillSwitch(component, version, Params.stale(ctx));
      Peers.found(ctx, k);
    });
    routes.get(Peers.INTERNAL + "/fleet-trials/{fleet}", ctx -> {
      String fleet = Params.name(ctx, "fleet", false);
      ctx.json(queries().localAccount(fleet, Params.stale(ctx)));
    });
    routes.exception(InvalidStateStoreException.class, (e, ctx) -> ctx.status(503).json(Map.of("error",
        "the store that holds it is restoring or moving between instances; ask again in a few seconds")));
  }

  private StatusQueries queries() {
    return queries.get();
  }

}
