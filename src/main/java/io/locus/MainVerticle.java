package io.locus;

import static io.locus.common.ConfigKeys.*;

import io.locus.auth.AuthSettings;
import io.locus.auth.ConsumerStore;
import io.locus.auth.ConsumerVerticle;
import io.locus.common.Times;
import io.locus.http.HttpVerticle;
import io.locus.ingest.PublisherVerticle;
import io.locus.record.WriteBatch;
import io.locus.record.WriteBatchCodec;
import io.locus.ingest.WriterVerticle;
import io.locus.store.LayerStore;
import io.locus.ops.Lifecycle;
import io.locus.http.OpsVerticle;
import io.locus.layer.LayerVerticle;
import io.locus.query.QueryVerticle;
import io.locus.query.SpatialQueryVerticle;
import io.locus.store.Cassandra;
import io.locus.store.CassandraSettings;
import io.locus.store.Schema;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Composes a node from its configuration: creates the Cassandra schema when the node touches
 * Cassandra, then deploys the verticles of each configured role with the configured number of
 * instances, back ends first so the API never answers before what it depends on is there.
 *
 * <ul>
 *   <li>{@code query}: {@link QueryVerticle}, {@link LayerVerticle}, {@link ConsumerVerticle}
 *       and {@link SpatialQueryVerticle} (a worker)
 *   <li>{@code writer}: {@link WriterVerticle}
 *   <li>{@code publisher}: {@link PublisherVerticle}
 *   <li>{@code api}: {@link HttpVerticle}
 * </ul>
 *
 * A node without the {@code api} role runs an {@link OpsVerticle} instead, so that every node
 * serves its health checks and metrics. {@link #shutdown} drains the node in the reverse order.
 *
 * In the development profile, a node that touches Cassandra also stores the development
 * consumer of {@code auth.devConsumerKey}, prints its key and secret, and gives it the layers
 * that have no owner (made before layers had owners).
 */
public final class MainVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  private final List<String> deployments = new CopyOnWriteArrayList<>();

  @Override
  public Future<?> start() {
    JsonObject conf = config();
    vertx.eventBus().registerDefaultCodec(WriteBatch.class, new WriteBatchCodec());
    List<String> roles = conf.getJsonArray(ROLES).stream().map(String::valueOf).toList();
    JsonObject instances = conf.getJsonObject(INSTANCES);
    boolean touchesCassandra = roles.contains("query") || roles.contains("writer");
    CassandraSettings cassandra = CassandraSettings.from(conf.getJsonObject(CASSANDRA));
    AuthSettings auth = AuthSettings.from(conf.getJsonObject(AUTH));
    boolean development = conf.getString(PROFILE).equals("development");
    Future<?> ready =
        touchesCassandra
            ? Schema.ensure(vertx, cassandra)
                .compose(v -> Cassandra.connectShared(vertx, cassandra))
                .compose(v -> development ? bootstrapDevConsumer(cassandra, auth) : Future.succeededFuture())
            : Future.succeededFuture();
    return ready
        .compose(v -> deployIf(roles, "query", instances, QueryVerticle::new, conf.getJsonObject(CASSANDRA)))
        .compose(v -> deployIf(roles, "query", instances, LayerVerticle::new, conf.getJsonObject(CASSANDRA)))
        .compose(v -> deployIf(roles, "query", instances, ConsumerVerticle::new, conf.getJsonObject(CASSANDRA)))
        .compose(
            v ->
                deployIf(roles, "query", instances, SpatialQueryVerticle::new, conf.getJsonObject(CASSANDRA), ThreadingModel.WORKER))
        .compose(v -> deployIf(roles, "writer", instances, WriterVerticle::new, conf))
        .compose(v -> deployIf(roles, "publisher", instances, PublisherVerticle::new, conf))
        .compose(v -> deployIf(roles, "api", instances, HttpVerticle::new, conf))
        .compose(v -> roles.contains("api") ? Future.succeededFuture() : deploy(OpsVerticle::new, 1, conf, ThreadingModel.EVENT_LOOP))
        .onSuccess(v -> LOG.info("Locus node started with roles {}", roles));
  }

  private Future<Void> bootstrapDevConsumer(CassandraSettings cassandra, AuthSettings auth) {
    if (auth.devConsumerKey().isEmpty()) {
      return Future.succeededFuture();
    }
    CassandraClient client = Cassandra.shared(vertx, cassandra);
    return ConsumerStore.prepare(client)
        .compose(store -> store.put(auth.devConsumerKey(), auth.devConsumerSecret(), "development", Times.nowSeconds(), null))
        .compose(v -> LayerStore.prepare(client))
        .compose(layers -> layers.adoptOwnerless(auth.devConsumerKey()))
        .onSuccess(
            adopted -> {
              LOG.info(
                  "Development consumer (profile development only): key {} secret {}",
                  auth.devConsumerKey(),
                  auth.devConsumerSecret());
              if (adopted > 0) {
                LOG.info("{} layers without an owner now belong to the development consumer", adopted);
              }
            })
        .mapEmpty();
  }

  /**
   * Drains the node: marks it not ready, then undeploys what it runs in the reverse order of
   * start (the API first: it stops accepting and finishes the requests in flight; then the
   * publishers, once their messages are confirmed; then the writers, once every delivery they
   * hold is settled; the readers last). Each verticle bounds its own wait by {@code
   * lifecycle.shutdownDeadlineMs}.
   */
  public Future<Void> shutdown() {
    Lifecycle.startDraining(vertx);
    Future<Void> done = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      done =
          done.compose(
              v ->
                  vertx
                      .undeploy(id)
                      .recover(
                          cause -> {
                            LOG.warn("a verticle did not stop cleanly: {}", cause.toString());
                            return Future.succeededFuture();
                          }));
    }
    return done.onSuccess(v -> LOG.info("drained: every verticle stopped"));
  }

  private Future<?> deployIf(
      List<String> roles,
      String role,
      JsonObject instances,
      Supplier<? extends Deployable> verticle,
      JsonObject slice) {
    return deployIf(roles, role, instances, verticle, slice, ThreadingModel.EVENT_LOOP);
  }

  private Future<?> deployIf(
      List<String> roles,
      String role,
      JsonObject instances,
      Supplier<? extends Deployable> verticle,
      JsonObject slice,
      ThreadingModel threading) {
    if (!roles.contains(role)) {
      return Future.succeededFuture();
    }
    return deploy(verticle, instances.getInteger(role), slice, threading);
  }

  private Future<?> deploy(
      Supplier<? extends Deployable> verticle, int instances, JsonObject slice, ThreadingModel threading) {
    return vertx
        .deployVerticle(
            verticle, new DeploymentOptions().setInstances(instances).setConfig(slice).setThreadingModel(threading))
        .onSuccess(deployments::add);
  }
}
