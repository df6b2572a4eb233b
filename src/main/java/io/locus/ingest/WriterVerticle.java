package io.locus.ingest;

import io.locus.ops.OpsSettings;
import io.locus.store.ExpirySchedule;
import io.locus.store.LayerStore;
import io.locus.store.RecordWriter;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.rabbitmq.RabbitMQClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the shard queues and applies each operation to Cassandra, acknowledging a message
 * only after Cassandra accepted every write it implies ({@link OperationApplier}). Operations on
 * one record run one at a time, in queue order; different records run concurrently up to
 * {@code prefetch} per shard. Cassandra unreachable: retried with backoff for as long as it
 * takes; poison: dead-lettered with its reason after bounded tries ({@link RetryPolicy}, {@link
 * DeadLetters}).
 *
 * <p>Every writer instance consumes every shard queue ({@link ShardConsumers}); the broker's
 * single-active-consumer keeps one of them active per queue and fails over to another when it
 * goes away. A {@link ShardBalancer} spreads the active consumers over the writers, so that
 * adding writers (up to the number of shards) adds throughput.
 *
 * <p>It also sweeps the expiry schedule of the shards it prefers ({@link ExpirySweeper}), sending
 * each record's expiry through its shard queue.
 *
 * <p>Its deliveries come on a {@link BrokerConnection} of their own, its publishes (changes,
 * expiries, dead letters) go out on another ({@link ConfirmedPublisher}).
 *
 * <p>On stop it cancels its consumers (the broker hands the queues to another writer), finishes
 * the deliveries it holds, up to the shutdown deadline, and requeues (nacks) any that cannot
 * finish in time ({@link WriterDrain}), so that no delivery is left unsettled.
 */
public final class WriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WriterVerticle.class);

  /**
   * Records whose last written state a writer keeps, over all shards (about 150 bytes each), so
   * that writing one again needs no read of it first ({@code store.KnownStates}).
   */
  static final int KNOWN_RECORDS = 100_000;

  private final WriterDrain drain = new WriterDrain();
  private final RabbitSettings settings;
  private final CassandraClient cassandra;
  private final OpsSettings ops;
  private final QueueTopology topology;
  private ConfirmedPublisher changes;
  private BrokerConnection consuming;
  private Deliveries deliveries;
  private OperationApplier applier;
  private RecordWriter writer;
  private Set<Integer> legacy = Set.of();
  private ShardConsumers consumers;
  private Set<Integer> preferred;
  private ShardBalancer balancer;
  private ExpirySweeper sweeper;

  /** A writer with the node's broker and operational settings, writing through {@code cassandra}. */
  public WriterVerticle(RabbitSettings settings, CassandraClient cassandra, OpsSettings ops) {
    this.settings = settings;
    this.cassandra = cassandra;
    this.ops = ops;
    this.topology = new QueueTopology(settings);
  }

  @Override
  public Future<?> start() {
    changes = new ConfirmedPublisher(vertx, settings, "writer's publishes", topology::declare);
    consuming = new BrokerConnection(vertx, settings, "writer's deliveries", this::setUp, this::lost);
    deliveries = new Deliveries(consuming);
    return Future.all(
            RecordWriter.prepare(cassandra, settings.shards(), Math.max(1, KNOWN_RECORDS / settings.shards())),
            LayerStore.prepare(cassandra),
            ExpirySchedule.prepare(cassandra))
        .compose(
            prepared -> {
              writer = prepared.resultAt(0);
              LayerStore layers = prepared.resultAt(1);
              sweeper = new ExpirySweeper(vertx, prepared.resultAt(2), changes, topology);
              applier =
                  new OperationApplier(
                      vertx,
                      settings.shards(),
                      settings.prefetch(),
                      writer,
                      new ChangeFeed(changes, topology),
                      new LayerCache(layers::exists, System::currentTimeMillis),
                      deliveries,
                      new DeadLetters(changes, topology, deliveries),
                      drain::stopping);
              return changes.start();
            })
        .compose(v -> LegacyShardQueues.existing(vertx, settings, topology))
        .compose(
            existing -> {
              legacy = existing;
              return consuming.start();
            })
        .onSuccess(
            v -> {
              balancer =
                  new ShardBalancer(
                      vertx,
                      UUID.randomUUID().toString(),
                      settings.shards(),
                      chosen -> {
                        preferred = chosen;
                        if (consumers != null) {
                          consumers.prefer(chosen);
                        }
                        sweeper.shards(chosen);
                      });
              balancer.start();
              sweeper.start();
            });
  }

  /**
   * A new connection, in order: declare the topology, set the prefetch, then subscribe to every
   * shard queue (and move to the back of the line of those the balancer gave to others).
   */
  private Future<Void> setUp(RabbitMQClient client, long epoch) {
    return topology
        .declare(client)
        .compose(v -> client.basicQos(settings.prefetch()))
        .compose(
            v -> {
              ShardConsumers subscribed =
                  new ShardConsumers(
                      vertx, client, epoch, deliveries, topology, legacy, applier::onMessage, drain::stopping, writer::forgetShard);
              consumers = subscribed;
              return subscribed.consumeAll().onSuccess(done -> {
                if (preferred != null) {
                  subscribed.prefer(preferred);
                }
              });
            });
  }

  /**
   * The connection was found broken: what it delivered has lapsed (the broker requeues it, maybe
   * to another writer, which may apply these shards meanwhile).
   */
  private void lost(String why) {
    consumers = null;
    writer.forgetAll();
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> cancelled = new ArrayList<>();
    if (consumers != null) {
      cancelled.addAll(consumers.cancelAll());
    }
    if (balancer != null) {
      cancelled.add(balancer.stop());
    }
    if (sweeper != null) {
      sweeper.stop();
    }
    return Future.join(cancelled)
        .transform(v -> drain.drain(vertx, () -> deliveries == null ? 0 : deliveries.held(), ops.shutdownDeadlineMs()))
        .compose(
            left -> {
              LOG.info("writer stopped; {} deliveries left for the broker to requeue", left);
              return Future.join(
                  consuming == null ? Future.succeededFuture() : consuming.close(),
                  changes == null ? Future.succeededFuture() : changes.close());
            });
  }
}
