package io.locus.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's subscriptions on one connection, one consumer per shard queue (and per legacy shard
 * queue that still exists, {@link QueueTopology#legacyShardQueue}), acking by hand. The broker's
 * single-active-consumer picks which subscriber of a queue is active; {@link #prefer} moves this
 * writer to the back of the line of the queues it does not prefer. A new connection gets new
 * subscriptions: these are only ever cancelled on the channel they were made on. Use it from
 * the connection's event-loop context.
 */
final class ShardConsumers {
  private static final Logger LOG = LoggerFactory.getLogger(ShardConsumers.class);

  /** Deliveries handled in one turn of the event loop, per shard: each may hold a bulk of records. */
  static final int MESSAGES_PER_TURN = 16;

  private final Vertx vertx;
  private final RabbitMQClient client;
  private final long epoch;
  private final Deliveries deliveries;
  private final QueueTopology topology;
  private final Set<Integer> legacy;
  private final BiConsumer<Integer, RabbitMQMessage> handler;
  private final BooleanSupplier stopping;
  private final IntConsumer released;
  private final Map<String, RabbitMQConsumer> consumers = new HashMap<>();

  /**
   * @param client the connection {@code epoch}'s client, set up with its QoS already
   * @param legacy the shards whose legacy queue exists: consumed as well
   * @param handler told each delivery, with its shard
   * @param stopping while on, {@link #prefer} changes nothing
   * @param released told a shard whose subscription this writer gives up (another writer may
   *     then apply the shard), as it gives it up
   */
  ShardConsumers(
      Vertx vertx,
      RabbitMQClient client,
      long epoch,
      Deliveries deliveries,
      QueueTopology topology,
      Set<Integer> legacy,
      BiConsumer<Integer, RabbitMQMessage> handler,
      BooleanSupplier stopping,
      IntConsumer released) {
    this.vertx = vertx;
    this.client = client;
    this.epoch = epoch;
    this.deliveries = deliveries;
    this.topology = topology;
    this.legacy = legacy;
    this.handler = handler;
    this.stopping = stopping;
    this.released = released;
  }

  /** Subscribes to every shard, starting at a random one so active consumers spread out. */
  Future<Void> consumeAll() {
    Future<Void> done = Future.succeededFuture();
    for (int shard : order(ThreadLocalRandom.current().nextInt(topology.shards()), topology.shards())) {
      for (String queue : queuesOf(shard)) {
        done = done.compose(v -> subscribe(shard, queue));
      }
    }
    return done;
  }

  /** Every shard once, from {@code first} on, wrapping around. */
  static List<Integer> order(int first, int shards) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < shards; i++) {
      order.add((first + i) % shards);
    }
    return order;
  }

  private List<String> queuesOf(int shard) {
    return legacy.contains(shard)
        ? List.of(topology.shardQueue(shard), topology.legacyShardQueue(shard))
        : List.of(topology.shardQueue(shard));
  }

  /** Moves this writer to the back of the line of every shard queue it does not prefer. */
  void prefer(Set<Integer> preferred) {
    for (int shard = 0; shard < topology.shards(); shard++) {
      if (preferred.contains(shard) || stopping.getAsBoolean()) {
        continue;
      }
      boolean releasedShard = false;
      for (String queue : queuesOf(shard)) {
        RabbitMQConsumer consumer = consumers.get(queue);
        if (consumer == null) {
          continue;
        }
        if (!releasedShard) {
          released.accept(shard);
          releasedShard = true;
        }
        int requeued = shard;
        cancel(queue, consumer)
            .compose(v -> subscribe(requeued, queue))
            .onFailure(cause -> LOG.warn("could not re-subscribe to {}: {}", queue, cause.toString()));
      }
    }
  }

  /** Cancels every subscription; the broker hands each queue to the next writer in line. */
  List<Future<Void>> cancelAll() {
    List<Future<Void>> cancelled = new ArrayList<>();
    new HashMap<>(consumers).forEach((queue, consumer) -> cancelled.add(cancel(queue, consumer)));
    return cancelled;
  }

  /**
   * Cancels one subscription, on a worker: the AMQP client waits for the broker's cancel-ok on the
   * calling thread (785 ms once on a loaded machine). A cancel on a channel since closed has
   * nothing left to cancel: the broker ended the subscription with the channel.
   */
  private Future<Void> cancel(String queue, RabbitMQConsumer consumer) {
    consumers.remove(queue, consumer);
    if (!deliveries.current(epoch)) {
      return Future.succeededFuture();
    }
    return vertx.<Future<Void>>executeBlocking(consumer::cancel).compose(cancelled -> cancelled);
  }

  private Future<Void> subscribe(int shard, String queue) {
    // No cap on the client's buffer: the broker's prefetch bounds it, and a capped buffer drops
    // what overflows without a word, leaving those deliveries unacknowledged until the channel closes.
    QueueOptions options = new QueueOptions().setAutoAck(false);
    return client
        .basicConsumer(queue, options)
        .map(
            consumer -> {
              consumers.put(queue, consumer);
              TurnTaking.handle(
                  vertx, consumer, MESSAGES_PER_TURN, deliveries.subscribed(epoch, message -> handler.accept(shard, message)));
              return null;
            });
  }
}
