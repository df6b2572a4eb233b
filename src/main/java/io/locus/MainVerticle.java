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
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** How to stop what the node started, in the order started: a verticle run once, or a role's instances. */
  private final List<Supplier<Future<Void>>> started = new CopyOnWriteArrayList<>();
  private final Map<String, RolePool> pools = new LinkedHashMap<>();
  private final NodeSettings settings;
  private final String node;
  private NodeRoles roles;

  /** A node that runs what {@code settings} say. */
  public MainVerticle(NodeSettings settings) {
    this.settings = settings;
    this.node = nodeName(settings.http().port());
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
                .compose(scanner -> deploy(() -> new ChangeFeedVerticle(settings.rabbitmq(), tier, scanner), ThreadingModel.EVENT_LOOP));
    return feed.compose(
            v ->
                deployRole(
                    "query",
                    () -> new QueryVerticle(cassandra, tier),
                    () -> new LayerVerticle(cassandra, purgeTimeoutMs),
                    () -> new ConsumerVerticle(cassandra),
                    worker(() -> new SpatialQueryVerticle(cassandra, tier))))
        .compose(v -> deployRole("writer", () -> new WriterVerticle(settings.rabbitmq(), cassandra, settings.ops())))
        .compose(
            v ->
                settings.runs("writer")
                    ? deploy(() -> new HookVerticle(settings.rabbitmq(), cassandra, settings.hooks(), linkBase()), ThreadingModel.EVENT_LOOP)
                    : Future.succeededFuture())
        .compose(v -> deployRole("publisher", () -> new PublisherVerticle(settings.rabbitmq(), settings.ops())))
        .compose(v -> settings.runs("api") ? deploy(() -> new ChangeStreamVerticle(settings.rabbitmq()), ThreadingModel.EVENT_LOOP) : Future.succeededFuture())
        .compose(v -> deployRole("api", () -> new HttpVerticle(settings.http(), settings.auth(), settings.ops(), tier, places, settings.hooks().targets())))
        .compose(
            v ->
                settings.runs("api")
                    ? Future.succeededFuture()
                    : deploy(() -> new OpsVerticle(settings.http(), settings.ops()), ThreadingModel.EVENT_LOOP))
        .onSuccess(
            v -> {
              roles = new NodeRoles(vertx, node, pools);
              roles.start();
              LOG.info("Locus node {} started with roles {}", node, settings.roles());
            });
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
   * Drains the node: marks it not ready and leaves the list of nodes, then undeploys what it
   * runs in the reverse order of start (the API first: it stops accepting and finishes the
   * requests in flight; then the publishers, once their messages are confirmed; then the
   * writers, once every delivery they hold is settled; the readers last). Each verticle bounds
   * its own wait by {@code lifecycle.shutdownDeadlineMs}.
   */
  public Future<Void> shutdown() {
    Lifecycle.startDraining(vertx);
    Future<Void> done = roles == null ? Future.succeededFuture() : roles.stop().recover(cause -> Future.succeededFuture());
    for (int i = started.size() - 1; i >= 0; i--) {
      Supplier<Future<Void>> stop = started.get(i);
      done =
          done.compose(
              v ->
                  stop.get()
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

  /**
   * Deploys {@code role}'s configured instances when the node runs it, as a {@link RolePool}
   * that can be scaled later; an instance is one of each of {@code verticles}, in order.
   */
  @SafeVarargs
  private Future<?> deployRole(String role, Supplier<? extends Deployable>... verticles) {
    if (!settings.runs(role)) {
      return Future.succeededFuture();
    }
    RolePool pool = new RolePool(vertx, role, () -> deployInstance(List.of(verticles)));
    pools.put(role, pool);
    started.add(pool::stopAll);
    return pool.scaleTo(settings.instances().get(role));
  }

  /** Deploys one of each verticle, in order; when one fails, undeploys those before it. */
  private Future<List<String>> deployInstance(List<Supplier<? extends Deployable>> verticles) {
    List<String> ids = new ArrayList<>();
    Future<Void> done = Future.succeededFuture();
    for (Supplier<? extends Deployable> verticle : verticles) {
      ThreadingModel threading = verticle instanceof Worker ? ThreadingModel.WORKER : ThreadingModel.EVENT_LOOP;
      done = done.compose(v -> vertx.deployVerticle(verticle, new DeploymentOptions().setThreadingModel(threading))).map(id -> {
        ids.add(id);
        return null;
      });
    }
    return done.map(v -> ids).recover(cause -> {
      List<Future<Void>> undeployed = ids.stream().map(vertx::undeploy).toList();
      return Future.join(undeployed).transform(v -> Future.failedFuture(cause));
    });
  }

  /** A verticle of a role that runs on a worker thread (the others run on an event loop). */
  private interface Worker extends Supplier<Deployable> {}

  /** {@code verticle}, marked to run on a worker thread. */
  private static Worker worker(Supplier<? extends Deployable> verticle) {
    return verticle::get;
  }

  /** Deploys one verticle the node runs once, whatever its roles' instances. */
  private Future<?> deploy(Supplier<? extends Deployable> verticle, ThreadingModel threading) {
    return vertx
        .deployVerticle(verticle, new DeploymentOptions().setThreadingModel(threading))
        .onSuccess(id -> started.add(() -> vertx.undeploy(id)));
  }

  /** This node's name among the cluster's: its host's name and its HTTP port, unique on one machine. */
  static String nodeName(int httpPort) {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        host = "localhost";
      }
    }
    return host + ":" + httpPort;
  }
}
