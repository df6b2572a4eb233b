package io.locus.http;

import io.locus.ops.OpsRoutes;
import io.locus.ops.OpsSettings;

import io.locus.http.HttpSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operational endpoints ({@link OpsRoutes}) on {@code http.port} for a node that does not
 * run the {@code api} role (a writer or query node), so that every node can be probed and
 * scraped the same way. Its configuration is the whole node's.
 */
public final class OpsVerticle extends VerticleBase {
  private final HttpSettings http;
  private final OpsSettings ops;

  /** A verticle with what it needs of the node: its settings and shared clients. */
  public OpsVerticle(HttpSettings http, OpsSettings ops) {
    this.http = http;
    this.ops = ops;
  }

  private static final Logger LOG = LoggerFactory.getLogger(OpsVerticle.class);

  private HttpServer server;

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    MalformedRequests.frame(router);
    OpsRoutes.mount(router, vertx, ops.metricsEnabled());
    return MalformedRequests.server(vertx)
        .requestHandler(MalformedRequests.checkingHost(router))
        .listen(http.port(), http.host())
        .onSuccess(
            listening -> {
              server = listening;
              LOG.info("health and metrics on http://{}:{}", http.host(), listening.actualPort());
            });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(ops.shutdownDeadlineMs(), TimeUnit.MILLISECONDS);
  }
}
