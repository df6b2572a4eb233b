package io.locus.ops;

import io.locus.common.Addresses;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import java.util.List;

/**
 * The operational endpoints every node serves, open (no OAuth), on its HTTP port:
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 while the node's event loops answer (restart it if not);
 *   <li>{@code GET /health/ready}: 200 when RabbitMQ and Cassandra answer through the
 *       verticles that own them and the node is not draining; else 503, with each check;
 *   <li>{@code GET /health}: the SimpleGeo-era summary {@code {"status","rabbitmq","cassandra"}},
 *       200 or 503;
 *   <li>{@code GET /metrics}: Prometheus text format, when metrics are on.
 * </ul>
 */
public final class OpsRoutes {
  /** Liveness: is the process serving at all. */
  public static final String LIVE = "/health/live";

  /** Readiness: should traffic come here. */
  public static final String READY = "/health/ready";

  /** Both dependencies in one JSON answer. */
  public static final String SUMMARY = "/health";

  /** Prometheus scrape endpoint. */
  public static final String METRICS = "/metrics";

  /** Every path mounted here, in the order of the router. */
  public static final List<String> PATHS = List.of(LIVE, READY, SUMMARY, METRICS);

  private static final long PROBE_TIMEOUT_MS = 1_000;

  private OpsRoutes() {}

  /** Mounts the operational routes; call before any authenticating handler. */
  public static void mount(Router router, Vertx vertx, boolean metrics) {
    HealthChecks live = HealthChecks.create(vertx).register("event-loop", promise -> promise.complete(Status.OK()));
    HealthChecks ready =
        HealthChecks.create(vertx)
            .register("accepting", promise -> promise.complete(new Status().setOk(!Lifecycle.draining(vertx))))
            .register("rabbitmq", PROBE_TIMEOUT_MS * 2, promise -> probe(vertx, Addresses.HEALTH_RABBITMQ, promise))
            .register("cassandra", PROBE_TIMEOUT_MS * 2, promise -> probe(vertx, Addresses.HEALTH_CASSANDRA, promise))
            .register("serving", PROBE_TIMEOUT_MS * 2, promise -> describeServing(vertx, promise));
    router.get(LIVE).handler(HealthCheckHandler.createWithHealthChecks(live));
    router.get(READY).handler(HealthCheckHandler.createWithHealthChecks(ready));
    router.get(SUMMARY).handler(ctx -> summary(ctx, vertx));
    if (metrics) {
      router.get(METRICS).handler(ctx -> scrape(ctx, vertx));
    }
  }

  /**
   * Renders every series, as bytes, on a worker thread: a scrape is milliseconds of CPU (more as
   * routes and addresses add series; megabytes of text after a fuzz) that an event loop must not
   * spend.
   */
  private static void scrape(RoutingContext ctx, Vertx vertx) {
    if (!(Metrics.registry() instanceof PrometheusMeterRegistry prometheus)) {
      ctx.fail(404);
      return;
    }
    vertx
        .executeBlocking(() -> Buffer.buffer(prometheus.scrape().getBytes(StandardCharsets.UTF_8)), false)
        .onSuccess(body -> ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(body))
        .onFailure(ctx::fail);
  }

  /**
   * The serving tier's layers (warming, warm, over budget) and whether it is stale, as detail:
   * never a reason to be unready, since a cold or stale tier still answers (from Cassandra, or
   * from memory while the feed catches up). Nodes without the tier say so.
   */
  private static void describeServing(Vertx vertx, Promise<Status> promise) {
    vertx
        .eventBus()
        .<JsonObject>request(Addresses.HEALTH_SERVING, null, new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS).setLocalOnly(true))
        .map(reply -> reply.body())
        .otherwise(new JsonObject().put("status", "not served on this node"))
        .onSuccess(detail -> promise.complete(Status.OK(detail)));
  }

  private static void probe(Vertx vertx, String address, Promise<Status> promise) {
    status(vertx, address).onComplete(up -> promise.complete(new Status().setOk("up".equals(up.result()))));
  }

  /** "up" or "down" as the dependency's owner says; "down" when nobody answers in time. */
  private static Future<String> status(Vertx vertx, String address) {
    return vertx
        .eventBus()
        .<JsonObject>request(address, null, new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS))
        .map(reply -> reply.body().getString("status"))
        .otherwise("down");
  }

  private static void summary(RoutingContext ctx, Vertx vertx) {
    Future<String> rabbitmq = status(vertx, Addresses.HEALTH_RABBITMQ);
    Future<String> cassandra = status(vertx, Addresses.HEALTH_CASSANDRA);
    Future.join(rabbitmq, cassandra)
        .onComplete(
            done -> {
              boolean up = "up".equals(rabbitmq.result()) && "up".equals(cassandra.result());
              ctx.response()
                  .setStatusCode(up ? 200 : 503)
                  .putHeader("Content-Type", "application/json; charset=utf-8")
                  .end(
                      new JsonObject()
                          .put("status", up ? "up" : "down")
                          .put("rabbitmq", rabbitmq.result())
                          .put("cassandra", cassandra.result())
                          .encode());
            });
  }
}
