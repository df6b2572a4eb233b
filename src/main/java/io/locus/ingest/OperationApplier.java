package io.locus.ingest;

import io.locus.common.Failure;
import io.locus.ops.Metrics;
import io.locus.record.WriteOp;
import io.locus.store.RecordWriter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Applies the operations delivered from the shard queues to Cassandra and settles each delivery
 * as one unit ({@link ShardMessage}: one operation or several). Each operation is written, with
 * the change it made on the {@link ChangeFeed}, or sent alone to the {@link DeadLetters} when
 * {@link RetryPolicy#WRITES} gives up on it or its layer does not exist (read at SERIAL: never
 * judged on a replica that is behind): poison is judged per operation, and the others of its
 * message are written all the same. The delivery is acked once every operation is written or
 * dead-lettered (a message that does not parse is dead-lettered whole), and requeued when one
 * fails while the writer is stopping or its connection lapsed. Nothing is acknowledged without
 * being written or dead-lettered. At most {@code inFlightPerShard} operations of a shard are
 * applied at once (the prefetch bounds messages, and a message may hold hundreds). Operations on one record run one at a time, in queue order; a layer purge
 * waits for every earlier operation of its shard, later ones wait for it, and the layer is
 * forgotten by the {@link LayerCache}. Not thread-safe: use it from one event-loop context.
 */
final class OperationApplier {
  private final Vertx vertx;
  private final RecordWriter writer;
  private final ChangeFeed feed;
  private final LayerCache layers;
  private final Deliveries deliveries;
  private final DeadLetters deadLetters;
  private final BooleanSupplier stopping;
  private final List<KeyedSequencer> shards = new ArrayList<>();
  /** Per shard, the operations applied at once, whatever the size of the messages. */
  private final List<InFlightLimit> limits = new ArrayList<>();
  private final Timer lag =
      Timer.builder(Metrics.WRITE_LAG)
          .description("from a write's publication to its persistence in Cassandra")
          .publishPercentileHistogram()
          .register(Metrics.registry());
  private final Map<WriteOp.Kind, Counter> appliedByKind = new EnumMap<>(WriteOp.Kind.class);

  /** @param stopping whether the writer is stopping: what fails then is requeued */
  OperationApplier(
      Vertx vertx,
      int shardCount,
      int inFlightPerShard,
      RecordWriter writer,
      ChangeFeed feed,
      LayerCache layers,
      Deliveries deliveries,
      DeadLetters deadLetters,
      BooleanSupplier stopping) {
    this.vertx = vertx;
    this.writer = writer;
    this.feed = feed;
    this.layers = layers;
    this.deliveries = deliveries;
    this.deadLetters = deadLetters;
    this.stopping = stopping;
    for (int shard = 0; shard < shardCount; shard++) {
      shards.add(new KeyedSequencer());
      limits.add(new InFlightLimit(inFlightPerShard));
    }
    for (WriteOp.Kind kind : WriteOp.Kind.values()) {
      appliedByKind.put(
          kind, Metrics.registry().counter(Metrics.APPLIED, "kind", kind.name().toLowerCase(Locale.ROOT)));
    }
  }

  void onMessage(int shard, RabbitMQMessage message) {
    Deliveries.Delivery delivery = deliveries.received(message);
    List<ShardMessage.Entry> entries;
    try {
      entries = ShardMessage.read(message);
    } catch (Failure poison) {
      deadLetters.send(shard, message, delivery, DeadLetters.Cause.MALFORMED, poison.getMessage(), 1);
      return;
    }
    // A delivery whose connection was replaced is the broker's again: stop retrying it.
    BooleanSupplier giveUp = () -> stopping.getAsBoolean() || deliveries.lapsed(delivery);
    List<Future<Void>> settled = new ArrayList<>(entries.size());
    for (ShardMessage.Entry entry : entries) {
      settled.add(settle(shard, entry, giveUp));
    }
    Future.join(settled)
        .onSuccess(
            v -> {
              deliveries.ack(delivery);
              recordLag(message);
            })
        .onFailure(cause -> deliveries.requeue(delivery));
  }

  /**
   * Applies one operation of a delivery, in its record's order; succeeds once it is written or,
   * if it is poison or its layer is gone, once its dead letter is confirmed; fails when the
   * delivery must go back to the broker (the writer stopping, the delivery lapsed, the dead letter
   * not confirmed).
   */
  private Future<Void> settle(int shard, ShardMessage.Entry entry, BooleanSupplier giveUp) {
    WriteOp op = entry.op();
    KeyedSequencer sequencer = shards.get(shard);
    InFlightLimit limit = limits.get(shard);
    Future<Void> applied =
        op.kind() == WriteOp.Kind.PURGE_LAYER
            ? sequencer.submitBarrier(() -> limit.run(() -> retrying(() -> purge(op, shard), giveUp)))
            : sequencer.submit(op.recordKey(), () -> limit.run(() -> retrying(() -> applyIfLayerExists(op, shard), giveUp)));
    return applied.transform(
        result -> {
          if (result.succeeded()) {
            appliedByKind.get(op.kind()).increment();
            return Future.succeededFuture();
          }
          Throwable cause = result.cause();
          if (giveUp.getAsBoolean()) {
            return Future.failedFuture(cause);
          }
          return cause instanceof LayerGone
              ? deadLetters.send(shard, entry, DeadLetters.Cause.LAYER_GONE, cause.getMessage(), 1)
              : deadLetters.send(shard, entry, DeadLetters.Cause.POISON, cause.getMessage(), RetryPolicy.WRITES.poisonTries());
        });
  }

  private Future<Void> retrying(Supplier<Future<Void>> attempt, BooleanSupplier giveUp) {
    return RetryPolicy.WRITES.retrying(vertx, attempt, giveUp, cause -> cause instanceof LayerGone);
  }

  private void recordLag(RabbitMQMessage message) {
    Object publishedAt = Deliveries.header(message, PublisherVerticle.PUBLISHED_AT);
    if (publishedAt instanceof Long at) {
      lag.record(Math.max(0, System.currentTimeMillis() - at), TimeUnit.MILLISECONDS);
    }
  }

  private Future<Void> purge(WriteOp op, int shard) {
    layers.forget(op.layer());
    return writer.apply(op, shard).compose(feed::publish);
  }

  /**
   * Writes {@code op} if its layer exists; fails with {@link LayerGone}, which is not retried, if
   * it does not.
   */
  private Future<Void> applyIfLayerExists(WriteOp op, int shard) {
    return layers
        .exists(op.layer())
        .compose(
            exists -> {
              if (!exists) {
                return Future.failedFuture(new LayerGone(op));
              }
              return writer.apply(op, shard).compose(feed::publish);
            });
  }

  /** An operation on a layer that does not exist: dead-lettered at once, with the reason. */
  static final class LayerGone extends Failure {
    LayerGone(WriteOp op) {
      super(404, op.kind().name().toLowerCase(Locale.ROOT) + " of " + op.layer() + "/" + op.id() + ": layer " + op.layer() + " does not exist");
    }
  }
}
