package io.locus.ingest;

import io.locus.common.Addresses;
import io.locus.feed.ChangeEvent;
import io.locus.ops.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.locus.serving.LayerIndex;
import io.locus.serving.ServingTier;
import io.locus.store.LayerScanner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds a query node's {@link ServingTier} (one instance per node). It binds a queue of its own
 * ({@code <prefix>.changes.<uuid>}) to every shard of the change feed and consumes it, applying
 * each change to the layer it concerns. A layer is loaded when
 * a query verticle first asks for it ({@link Addresses#SERVING_WARM}): subscribed first (the
 * queue is bound already), then scanned from Cassandra, page by page, into a new index that
 * the feed updates meanwhile; newest write wins and tombstones stop resurrection, so the order
 * of scan rows and changes does not matter. When the connection to the broker drops, changes
 * may be missed: the tier is marked stale (it keeps answering) and, once the feed is back, every
 * held layer is rebuilt the same way and swapped in, which ends the staleness.
 *
 * <p>Every change and scan row is applied on this verticle's event loop, the one writer of the
 * tier; answering from it happens on the query verticles' threads.
 */
public final class ChangeFeedVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeedVerticle.class);
  private static final long PRUNE_MS = 60_000;
  private static final int BUDGET_CHECK_ROWS = 1_000;
  /**
   * Events applied in one turn of the event loop: a burst the broker pushed at once is applied
   * this many at a time, other work on the loop running between them.
   */
  static final int EVENTS_PER_TURN = 256;
  private static final long QUEUE_EXPIRES_MS = 60_000;
  private static final long REBUILD_RETRY_MS = 2_000;

  private final RabbitSettings settings;
  private final ServingTier tier;
  private final LayerScanner scanner;
  private final QueueTopology topology;
  private BrokerConnection connection;
  private final String queue;
  private boolean connectedOnce;
  /** Rebuilds started; only the latest may end the tier's staleness. */
  private int rebuilds;
  private boolean stopping;

  /** The feed of {@code tier}, loading layers through {@code scanner}. */
  public ChangeFeedVerticle(RabbitSettings settings, ServingTier tier, LayerScanner scanner) {
    this.settings = settings;
    this.tier = tier;
    this.scanner = scanner;
    this.topology = new QueueTopology(settings);
    this.queue = topology.changesExchange() + "." + UUID.randomUUID();
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<String>localConsumer(Addresses.SERVING_WARM, request -> warm(request.body()));
    vertx.eventBus().<Object>consumer(Addresses.HEALTH_SERVING, request -> request.reply(describe()));
    Gauge.builder(Metrics.SERVING_RECORDS, tier, ServingTier::records).register(Metrics.registry());
    Gauge.builder(Metrics.SERVING_BYTES, tier, ServingTier::bytes).register(Metrics.registry());
    Gauge.builder(Metrics.SERVING_STALE, tier, t -> t.stale() ? 1 : 0).register(Metrics.registry());
    for (ServingTier.State state : ServingTier.State.values()) {
      Gauge.builder(Metrics.SERVING_LAYERS, tier, t -> t.count(state))
          .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
          .register(Metrics.registry());
    }
    vertx.setPeriodic(PRUNE_MS, t -> tier.prune(TimeUnit.MILLISECONDS.toMicros(System.currentTimeMillis())));
    connection = new BrokerConnection(vertx, settings, "change feed", this::onConnected, this::lost);
    return connection.start();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    return connection == null ? Future.succeededFuture() : connection.close();
  }

  /**
   * The tier's {@code /health/ready} detail, plus {@code status} (stale or up) and {@code
   * reloads}: reloads of the held layers started since the node did (one each time the feed
   * came back, one each retry), so that a tier stale with climbing reloads is one whose
   * reloads fail, not one still without its feed.
   */
  private JsonObject describe() {
    return tier.describe().put("status", tier.stale() ? "stale" : "up").put("reloads", rebuilds);
  }

  private void lost(String why) {
    if (!tier.stale()) {
      LOG.warn("change feed lost ({}): in-memory layers are stale until the feed is back and they are reloaded", why);
      tier.stale(true);
    }
  }

  /**
   * Declares and binds the node's own feed queue on every new connection, then consumes it; after
   * a lost connection, reloads the held layers too (changes may have been missed). The queue is
   * durable, so neither a lost connection nor a broker restart loses what was routed to it
   * meanwhile, and it expires {@link #QUEUE_EXPIRES_MS} after its node stopped consuming.
   */
  private Future<Void> onConnected(RabbitMQClient client, long epoch) {
    boolean reconnection = connectedOnce;
    return topology
        .declare(client)
        .compose(v -> client.queueDeclare(queue, true, false, false, new JsonObject().put("x-expires", QUEUE_EXPIRES_MS)))
        .compose(v -> client.queueBind(queue, topology.changesExchange(), "#"))
        .compose(v -> client.basicConsumer(queue, new QueueOptions().setAutoAck(true)))
        .map(
            consumer -> {
              TurnTaking.handle(vertx, consumer, EVENTS_PER_TURN, this::onChange);
              connectedOnce = true;
              if (reconnection) {
                rebuildAll();
              }
              return null;
            });
  }

  private void onChange(RabbitMQMessage message) {
    ChangeEvent change;
    try {
      change = ChangeEvent.fromBuffer(message.body());
    } catch (IllegalArgumentException malformed) {
      LOG.warn("ignoring a malformed change event: {}", malformed.getMessage());
      return;
    }
    tier.apply(change);
  }

  private void warm(String layer) {
    if (tier.holds(layer)) {
      return;
    }
    load(layer, tier.startWarming(layer));
  }

  /**
   * Reloads every held layer while the tier is stale; the tier turns fresh only once all have
   * loaded. A reload that fails (Cassandra unreachable meanwhile) leaves the tier stale, answered
   * from Cassandra, and is tried again {@link #REBUILD_RETRY_MS} later.
   */
  private void rebuildAll() {
    if (stopping) {
      return;
    }
    int rebuild = ++rebuilds;
    List<String> layers = tier.fed();
    LOG.info("reloading {} in-memory layers (reload {} since start)", layers.size(), rebuild);
    tier.stale(true);
    Future.all(layers.stream().map(layer -> load(layer, tier.startRebuilding(layer))).toList())
        .onComplete(
            done -> {
              if (rebuild != rebuilds) {
                return; // the feed was lost and found again meanwhile: the later rebuild decides
              }
              if (done.succeeded()) {
                tier.stale(false);
              } else {
                LOG.warn("in-memory layers stay stale, reloading again in {} ms: {}", REBUILD_RETRY_MS, done.cause().getMessage());
                vertx.setTimer(REBUILD_RETRY_MS, t -> {
                  if (rebuild == rebuilds) {
                    rebuildAll();
                  }
                });
              }
            });
  }

  /** Scans {@code layer} into {@code index}; swaps it in when done, or gives the layer up when over budget. */
  private Future<Boolean> load(String layer, LayerIndex index) {
    long started = System.nanoTime();
    int[] rows = {0};
    return scanner
        .scan(
            layer,
            (entry, ts) -> {
              index.load(entry, ts);
              return ++rows[0] % BUDGET_CHECK_ROWS != 0 || tier.withinBudget();
            })
        .map(complete -> complete && tier.withinBudget())
        .onSuccess(
            fits -> {
              long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
              if (fits) {
                tier.warmed(layer, index, tookMillis);
                LOG.info("layer {} in memory: {} records in {} ms", layer, index.size(), tookMillis);
              } else {
                tier.overBudget(layer);
                LOG.warn("layer {} left on the Cassandra path: over the serving.maxMegabytes budget", layer);
              }
            })
        .onFailure(
            cause -> {
              tier.abandon(layer, index);
              LOG.warn("could not load layer {} into memory: {}", layer, cause.getMessage());
            });
  }
}
