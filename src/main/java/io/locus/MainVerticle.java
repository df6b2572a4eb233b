package io.locus;

import io.locus.auth.AuthSettings;
import io.locus.auth.ConsumerStore;
import io.locus.auth.ConsumerVerticle;
import io.locus.common.ConfigException;
import io.locus.common.Times;
import io.locus.http.HttpVerticle;
import io.locus.ingest.HookVerticle;
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
import io.locus.ingest.ChangeFeedVerticle;
import io.locus.place.Places;
import io.locus.serving.ServingTier;
import io.locus.store.Cassandra;
import io.locus.store.LayerScanner;
import io.locus.store.Schema;
import io.locus.feed.LocalCodec;
import io.locus.feed.ReplayRequest;
import io.locus.feed.StreamedChange;
import io.locus.ingest.ChangeStreamVerticle;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
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
 *       and {@link SpatialQueryVerticle} (a worker); with {@code serving.enabled}, one {@link
 *       ChangeFeedVerticle} feeding the node's {@link ServingTier}, which the query verticles read
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
  private final NodeSettings settings;

  /** A node that runs what {@code settings} say. */
  public MainVerticle(NodeSettings settings) {
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().registerDefaultCodec(WriteBatch.class, new WriteBatchCodec());
    vertx.eventBus().registerDefaultCodec(StreamedChange.class, new LocalCodec<>(StreamedChange.class));
    vertx.eventBus().registerDefaultCodec(ReplayRequest.class, new LocalCodec<>(ReplayRequest.class));
    // Only the api role places addresses; a file it cannot read stops the node before any connection.
    Places places = settings.runs("api") ? new Places(vertx, settings.places()) : null;
    List<String> missing = places == null ? List.of() : places.missingFiles();
    if (!missing.isEmpty()) {
      return Future.failedFuture(new ConfigException("cannot read " + String.join(", ", missing) + " (`make geodata` installs the development ones)"));
    }
    Future<CassandraClient> ready =
        settings.runs("query") || settings.runs("writer")
            ? Schema.ensure(vertx, settings.cassandra())
                .compose(v -> Cassandra.connectShared(vertx, settings.cassandra()))
                .compose(client -> settings.development() ? Cassandra.retryAtStart(vertx, () -> bootstrapDevConsumer(client, settings.auth())).map(client) : Future.succeededFuture(client))
            : Future.succeededFuture();
    // Layer deletes queue their purge within half the HTTP wait, so the answer (and a restore
    // of the layer when the purge could not be queued) comes before the client's 503.
    long purgeTimeoutMs = settings.http().requestTimeoutMs() / 2;
    return ready.compose(cassandra -> deployAll(cassandra, places, purgeTimeoutMs));
  }

  /** Deploys the node's verticles; {@code places} is null on a node without the api role. */
  private Future<?> deployAll(CassandraClient cassandra, Places places, long purgeTimeoutMs) {
    ServingTier tier =
        settings.runs("query") && settings.serving().enabled() ? new ServingTier(settings.serving().maxBytes()) : null;
    Future<?> feed =
        tier == null
            ? Future.succeededFuture()
            : LayerScanner.prepare(vertx, cassandra, settings.serving().loadPartitionsPerRead(), settings.serving().loadReadsInFlight())
                .compose(scanner -> deploy(() -> new ChangeFeedVerticle(settings.rabbitmq(), tier, scanner), 1, ThreadingModel.EVENT_LOOP));
    return feed.compose(v -> deployIf(settings, "query", () -> new QueryVerticle(cassandra, tier)))
        .compose(v -> deployIf(settings, "query", () -> new LayerVerticle(cassandra, purgeTimeoutMs)))
        .compose(v -> deployIf(settings, "query", () -> new ConsumerVerticle(cassandra)))
        .compose(v -> deployIf(settings, "query", () -> new SpatialQueryVerticle(cassandra, tier), ThreadingModel.WORKER))
        .compose(v -> deployIf(settings, "writer", () -> new WriterVerticle(settings.rabbitmq(), cassandra, settings.ops())))
        .compose(
            v ->
                settings.runs("writer")
                    ? deploy(
                        () -> new HookVerticle(settings.rabbitmq(), cassandra, settings.hooks(), linkBase()),
                        1,
                        ThreadingModel.EVENT_LOOP)
                    : Future.succeededFuture())
        .compose(v -> deployIf(settings, "publisher", () -> new PublisherVerticle(settings.rabbitmq(), settings.ops())))
        .compose(v -> settings.runs("api") ? deploy(() -> new ChangeStreamVerticle(settings.rabbitmq()), 1, ThreadingModel.EVENT_LOOP) : Future.succeededFuture())
        .compose(v -> deployIf(settings, "api", () -> new HttpVerticle(settings.http(), settings.auth(), settings.ops(), tier, places, settings.hooks().targets())))
        .compose(
            v ->
                settings.runs("api")
                    ? Future.succeededFuture()
                    : deploy(() -> new OpsVerticle(settings.http(), settings.ops()), 1, ThreadingModel.EVENT_LOOP))
        .onSuccess(v -> LOG.info("Locus node started with roles {}", settings.roles()));
  }

  /** Stores the development consumer and gives it the layers without an owner; idempotent, so it may be tried again. */
  private Future<Void> bootstrapDevConsumer(CassandraClient client, AuthSettings auth) {
    if (auth.devConsumerKey().isEmpty()) {
      return Future.succeededFuture();
    }
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

  /** The base of the links in the records webhooks carry: {@code http.publicBaseUrl}, else the node's own address. */
  private String linkBase() {
    String configured = settings.http().publicBaseUrl();
    return configured.isEmpty() ? "http://" + settings.http().host() + ":" + settings.http().port() : configured;
  }

  private Future<?> deployIf(NodeSettings settings, String role, Supplier<? extends Deployable> verticle) {
    return deployIf(settings, role, verticle, ThreadingModel.EVENT_LOOP);
  }

  private Future<?> deployIf(
      NodeSettings settings, String role, Supplier<? extends Deployable> verticle, ThreadingModel threading) {
    return settings.runs(role) ? deploy(verticle, settings.instances().get(role), threading) : Future.succeededFuture();
  }

  private Future<?> deploy(Supplier<? extends Deployable> verticle, int instances, ThreadingModel threading) {
    return vertx
        .deployVerticle(verticle, new DeploymentOptions().setInstances(instances).setThreadingModel(threading))
        .onSuccess(deployments::add);
  }
}
