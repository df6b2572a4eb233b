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
import java.util.Objects;
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
  private RabbitMQClient client;
  private volatile Deliveries deliveries;
  private volatile ShardConsumers consumers;
  private volatile RecordWriter writer;
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
    changes = new ConfirmedPublisher(vertx, settings.confirmTimeoutMs());
    return Future.all(
            RecordWriter.prepare(cassandra, settings.shards(), Math.max(1, KNOWN_RECORDS / settings.shards())),
            LayerStore.prepare(cassandra),
            ExpirySchedule.prepare(cassandra))
        .compose(
            prepared -> {
              sweeper = new ExpirySweeper(vertx, prepared.resultAt(2), changes, topology);
              return BrokerConnection.open(vertx, context, settings, this::retireOldChannel, this::onConnected)
                  .compose(connected -> consume(connected, prepared.resultAt(0), prepared.resultAt(1)));
            })
        .onSuccess(
            v -> {
              balancer =
                  new ShardBalancer(
                      vertx,
                      UUID.randomUUID().toString(),
                      settings.shards(),
                      preferred -> {
                        consumers.prefer(preferred);
                        sweeper.shards(preferred);
                      });
              balancer.start();
              sweeper.start();
            });
  }

  private Future<Void> consume(RabbitMQClient connected, RecordWriter prepared, LayerStore layers) {
    client = connected;
    writer = prepared;
    deliveries = new Deliveries(client);
    OperationApplier applier =
        new OperationApplier(
            vertx,
            settings.shards(),
            writer,
            new ChangeFeed(changes, topology),
            new LayerCache(name -> layers.get(name).map(Objects::nonNull), System::currentTimeMillis),
            deliveries,
            new DeadLetters(client, topology, deliveries),
            drain::stopping);
    consumers = new ShardConsumers(vertx, client, topology, applier::onMessage, drain::stopping, writer::forgetShard);
    return consumers.consumeAll();
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
              return client == null ? Future.succeededFuture() : client.stop();
            });
  }

  private Future<Void> onConnected(RabbitMQClient connection) {
    return topology
        .declare(connection)
        .compose(v -> connection.confirmSelect())
        .compose(v -> changes.connected(connection, Math.max(1024, settings.prefetch() * settings.shards() * 2)))
        .compose(v -> connection.basicQos(settings.prefetch()));
  }

  /**
   * A new connection (on the client's thread, before it re-subscribes the consumers): what the
   * subscriptions received on the old one has lapsed, the broker requeued it.
   */
  private void retireOldChannel() {
    Deliveries held = deliveries;
    ShardConsumers subscribed = consumers;
    if (writer != null) {
      writer.forgetAll(); // another writer may have applied these shards meanwhile
    }
    if (held != null && subscribed != null) {
      held.reconnected(subscribed.tagsOfTheOldChannel());
    }
  }
}
