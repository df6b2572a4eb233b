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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A writer's subscriptions, one consumer per shard queue, acking by hand. The broker's single-active-consumer picks which subscriber of a queue is
 * active; {@link #prefer} moves this writer to the back of the line of the queues it does not
 * prefer. Use it from one event-loop context, but for {@link #tagsOfTheOldChannel}.
 */
final class ShardConsumers {
  private static final Logger LOG = LoggerFactory.getLogger(ShardConsumers.class);

  /** Deliveries handled in one turn of the event loop, per shard: each may hold a bulk of records. */
  static final int MESSAGES_PER_TURN = 16;

  private final Vertx vertx;
  private final RabbitMQClient client;
  private final QueueTopology topology;
  private final BiConsumer<Integer, RabbitMQMessage> handler;
  private final BooleanSupplier stopping;
  private final IntConsumer released;
  private final Map<Integer, RabbitMQConsumer> consumers = new HashMap<>();
  /**
   * Every subscription made, the cancelled ones too (their deliveries may still be in flight);
   * read from the client's thread on a reconnection.
   */
  private final List<RabbitMQConsumer> subscriptions = new CopyOnWriteArrayList<>();

  /**
   * @param handler told each delivery, with its shard
   * @param stopping while on, {@link #prefer} changes nothing
   * @param released told a shard whose subscription this writer gives up (another writer may
   *     then apply the shard), as it gives it up
   */
  ShardConsumers(
      Vertx vertx,
      RabbitMQClient client,
      QueueTopology topology,
      BiConsumer<Integer, RabbitMQMessage> handler,
      BooleanSupplier stopping,
      IntConsumer released) {
    this.vertx = vertx;
    this.client = client;
    this.topology = topology;
    this.handler = handler;
    this.stopping = stopping;
    this.released = released;
  }

  /** Subscribes to every shard, starting at a random one so active consumers spread out. */
  Future<Void> consumeAll() {
    Future<Void> done = Future.succeededFuture();
    for (int shard : order(ThreadLocalRandom.current().nextInt(topology.shards()), topology.shards())) {
      done = done.compose(v -> subscribe(shard));
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

  /** Moves this writer to the back of the line of every shard queue it does not prefer. */
  void prefer(Set<Integer> preferred) {
    for (int shard = 0; shard < topology.shards(); shard++) {
      RabbitMQConsumer consumer = consumers.get(shard);
      if (!preferred.contains(shard) && consumer != null && !stopping.getAsBoolean()) {
        int requeued = shard;
        released.accept(shard);
        cancel(consumer)
            .compose(v -> subscribe(requeued))
            .onFailure(cause -> LOG.warn("could not re-subscribe to shard {}: {}", requeued, cause.toString()));
      }
    }
  }

  /**
   * For a new connection, before the client re-subscribes (on the client's thread): the consumer
   * tag of every subscription as it stands, the old channel's. Forgets the cancelled ones, which
   * the client never re-subscribes, so their tags are retired this once.
   */
  List<String> tagsOfTheOldChannel() {
    List<String> tags = subscriptions.stream().map(RabbitMQConsumer::consumerTag).toList();
    subscriptions.removeIf(RabbitMQConsumer::isCancelled);
    return tags;
  }

  /** Cancels every subscription; the broker hands each queue to the next writer in line. */
  List<Future<Void>> cancelAll() {
    List<Future<Void>> cancelled = new ArrayList<>();
    consumers.values().forEach(consumer -> cancelled.add(cancel(consumer)));
    return cancelled;
  }

  /**
   * Cancels one subscription on a worker: the client's {@code cancel} waits for the broker's
   * answer on the calling thread (a blocking AMQP call, 785 ms once on a loaded machine).
   */
  private Future<Void> cancel(RabbitMQConsumer consumer) {
    return vertx.<Future<Void>>executeBlocking(consumer::cancel).compose(cancelled -> cancelled);
  }

  private Future<Void> subscribe(int shard) {
    // No cap on the client's buffer: the broker's prefetch bounds it, and a capped buffer drops
    // what overflows without a word, leaving those deliveries unacknowledged until the channel closes.
    QueueOptions options = new QueueOptions().setAutoAck(false);
    return client
        .basicConsumer(topology.shardQueue(shard), options)
        .map(
            consumer -> {
              consumers.put(shard, consumer);
              subscriptions.add(consumer);
              TurnTaking.handle(vertx, consumer, MESSAGES_PER_TURN, message -> handler.accept(shard, message));
              return null;
            });
  }
}
