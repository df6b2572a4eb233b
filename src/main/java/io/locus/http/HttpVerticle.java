package io.locus.http;

import io.locus.common.CallbackTargets;
import static io.locus.common.ConfigKeys.HTTP;

import io.locus.auth.AuthSettings;
import io.locus.auth.ConsumerCache;
import io.locus.common.ConsumerRequests;
import io.locus.auth.OAuthHandler;
import io.locus.common.Addresses;
import io.locus.ops.OpsRoutes;
import io.locus.ops.OpsSettings;
import io.locus.place.Places;
import io.locus.query.LocalReads;
import io.locus.serving.ServingTier;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: SimpleGeo Storage 0.1 (every path also with a {@code .json} suffix), {@code GET
 * /health}, the API's description ({@link ApiDocs}), the map page ({@link MapPage}) and the {@code /admin} surface. Every request
 * but {@code /health}, the description and {@code /admin} passes the {@link OAuthHandler} before any other handler sees it; {@code /admin} takes the
 * admin key instead. It validates input and talks to the other verticles over the event bus
 * only; several instances share the port. Its configuration is the whole node's.
 */
public final class HttpVerticle extends VerticleBase {
  private final HttpSettings settings;
  private final AuthSettings auth;
  private final OpsSettings ops;
  private final ServingTier tier;
  private final Places places;

  /**
   * A verticle with what it needs of the node: its settings, its serving tier when the node
   * has one (else null), from which reads of warm layers are answered without an event-bus hop,
   * and the node's {@link Places}, which nearby searches from an IP or street address use.
   */
  private final CallbackTargets targets;

  public HttpVerticle(
      HttpSettings settings, AuthSettings auth, OpsSettings ops, ServingTier tier, Places places, CallbackTargets targets) {
    this.settings = settings;
    this.targets = targets;
    this.auth = auth;
    this.ops = ops;
    this.tier = tier;
    this.places = places;
  }

  private static final Logger LOG = LoggerFactory.getLogger(HttpVerticle.class);
  private HttpServer server;
  private ChangeStreams streams;

  @Override
  public Future<?> start() {
    Api api = new Api(vertx, settings);
    streams = new ChangeStreams(vertx, api);
    ConsumerCache consumers =
        new ConsumerCache(
            key -> api.askRead(null, ConsumerRequests.GET, new ConsumerRequests.Key(key)),
            auth.consumerCacheSeconds() * 1000L);
    vertx.eventBus().<JsonObject>consumer(Addresses.CONSUMERS_CHANGED, changed -> consumers.forget(changed.body().getString("key")));
    OAuthHandler oauth = new OAuthHandler(vertx, auth, settings.publicBaseUrl(), consumers);
    return MalformedRequests.server(vertx, handshake -> streams.handshake(handshake, oauth))
        .requestHandler(MalformedRequests.checkingHost(router(vertx, api, new LocalReads(vertx, tier), places, streams, auth, targets, oauth, ops)))
        .listen(settings.port(), settings.host())
        .onSuccess(
            listening -> {
              server = listening;
              LOG.info("HTTP API listening on http://{}:{}", settings.host(), listening.actualPort());
            });
  }

  /**
   * Closes the change streams it serves (their clients resume on another node), stops accepting
   * connections and lets requests in flight finish, up to the shutdown deadline.
   */
  @Override
  public Future<?> stop() {
    if (streams != null) {
      streams.closeAll();
    }
    return server == null ? Future.succeededFuture() : server.shutdown(ops.shutdownDeadlineMs(), TimeUnit.MILLISECONDS);
  }

  /**
   * Every route of the API, in order: the request id, body reading, the open operational routes
   * ({@link OpsRoutes}), API description ({@link ApiDocs}) and map page ({@link MapPage}), the admin surface behind its key, then the OAuth check in front of
   * everything else (unknown paths included).
   */
  static Router router(
      Vertx vertx,
      Api api,
      LocalReads local,
      Places places,
      ChangeStreams streams,
      AuthSettings auth,
      CallbackTargets targets,
      Handler<RoutingContext> oauth,
      OpsSettings ops) {
    RecordHandlers records = new RecordHandlers(api, local);
    LayerHandlers layers = new LayerHandlers(api, targets);
    SearchHandlers search = new SearchHandlers(api, local, places);
    AdminHandlers admin = new AdminHandlers(api, auth, ops.shutdownDeadlineMs());

    Router router = Router.router(vertx);
    MalformedRequests.frame(router, NdjsonIngest.bodyReader(BodyHandler.create(false).setBodyLimit(api.maxBodyBytes())));
    OpsRoutes.mount(router, vertx, ops.metricsEnabled());
    ApiDocs.mount(router);
    MapPage.mount(router, api.basemapFile());

    router.route(AdminHandlers.PREFIX + "/*").handler(admin::guard);
    router.post("/admin/consumers").handler(admin::create);
    router.get("/admin/consumers").handler(admin::list);
    router.delete("/admin/consumers/:key").handler(admin::revoke);
    router.get("/admin/roles").handler(admin::roles);
    router.put("/admin/roles/:role").handler(admin::scale);
    router.route(AdminHandlers.PREFIX + "/*").handler(ctx -> ctx.fail(404));

    router.route().handler(oauth);

    router.get("/0.1/layers").handler(layers::list);
    router.get("/0.1/layers.json").handler(layers::list);
    router.get("/0.1/layers/:name").handler(layers::get);
    router.get("/0.1/layers/:name/changes").handler(streams::open);
    router.get("/0.1/layers/:name/fences").handler(layers::listFences);
    router.get("/0.1/layers/:name/fences.json").handler(layers::listFences);
    router.get("/0.1/layers/:name/fences/:fence").handler(layers::getFence);
    router.put("/0.1/layers/:name/fences/:fence").handler(layers::putFence);
    router.delete("/0.1/layers/:name/fences/:fence").handler(layers::deleteFence);
    router.get("/0.1/layer/:name").handler(layers::get); // the target of every layerLink
    router.put("/0.1/layers/:name").handler(layers::put);
    router.delete("/0.1/layers/:name").handler(layers::delete);

    router.get("/0.1/records/:layer/nearby/:where").handler(search::nearby);
    router.get("/0.1/records/:layer/within/:box").handler(search::withinBox);
    router.post("/0.1/records/:layer/within").handler(search::withinPolygon);
    router.post("/0.1/records/:layer/within.json").handler(search::withinPolygon);
    router.postWithRegex(NdjsonIngest.pathRegex()).handler(new NdjsonIngest(api)::handle);
    router.post("/0.1/records/:layer").handler(records::bulk);
    router.get("/0.1/records/:layer/:id/history").handler(records::history);
    router.get("/0.1/records/:layer/:id/history.json").handler(records::history);
    router.get("/0.1/records/:layer/:id").handler(records::get);
    router.put("/0.1/records/:layer/:id").handler(records::put);
    router.delete("/0.1/records/:layer/:id").handler(records::delete);

    return router;
  }

}
