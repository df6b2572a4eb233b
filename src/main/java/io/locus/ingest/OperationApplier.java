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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the operations delivered from the shard queues to Cassandra and settles each delivery:
 * acked only once Cassandra wrote everything it implies and the change it made is on the {@link
 * ChangeFeed}; sent to the {@link DeadLetters} when it
 * does not parse or when {@link RetryPolicy#WRITES} gives up on it; requeued when it fails while
 * the writer is stopping. Operations on one record run one at a time, in queue order; a layer
 * purge waits for every earlier operation of its shard, later ones wait for it, and the layer is
 * forgotten by the {@link LayerCache}; a write to a layer that no longer exists is dropped. Not
 * thread-safe: use it from one event-loop context.
 */
final class OperationApplier {
  private static final Logger LOG = LoggerFactory.getLogger(OperationApplier.class);

  private final Vertx vertx;
  private final RecordWriter writer;
  private final ChangeFeed feed;
  private final LayerCache layers;
  private final Deliveries deliveries;
  private final DeadLetters deadLetters;
  private final BooleanSupplier stopping;
  private final List<KeyedSequencer> shards = new ArrayList<>();
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
    }
    for (WriteOp.Kind kind : WriteOp.Kind.values()) {
      appliedByKind.put(
          kind, Metrics.registry().counter(Metrics.APPLIED, "kind", kind.name().toLowerCase(Locale.ROOT)));
    }
  }

  void onMessage(int shard, RabbitMQMessage message) {
    Deliveries.Delivery delivery = deliveries.received(message);
    WriteOp op;
    try {
      op = WriteOp.fromJson(message.body());
    } catch (Failure poison) {
      deadLetters.send(shard, message, delivery, poison.getMessage());
      return;
    }
    // A delivery whose connection was replaced is the broker's again: stop retrying it.
    BooleanSupplier giveUp = () -> stopping.getAsBoolean() || deliveries.lapsed(delivery);
    KeyedSequencer sequencer = shards.get(shard);
    Future<Void> applied =
        op.kind() == WriteOp.Kind.PURGE_LAYER
            ? sequencer.submitBarrier(() -> retrying(() -> purge(op, shard), giveUp))
            : sequencer.submit(op.recordKey(), () -> retrying(() -> applyIfLayerExists(op, shard), giveUp));
    applied
        .onSuccess(
            v -> {
              deliveries.ack(delivery);
              appliedByKind.get(op.kind()).increment();
              recordLag(message);
            })
        .onFailure(
            cause -> {
              if (giveUp.getAsBoolean()) {
                deliveries.requeue(delivery);
              } else {
                deadLetters.send(shard, message, delivery, cause.getMessage());
              }
            });
  }

  private Future<Void> retrying(Supplier<Future<Void>> attempt, BooleanSupplier giveUp) {
    return RetryPolicy.WRITES.retrying(vertx, attempt, giveUp);
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

  private Future<Void> applyIfLayerExists(WriteOp op, int shard) {
    return layers
        .exists(op.layer())
        .compose(
            exists -> {
              if (!exists) {
                LOG.debug("dropping {} of {}/{}: layer no longer exists", op.kind(), op.layer(), op.id());
                return Future.succeededFuture();
              }
              return writer.apply(op, shard).compose(feed::publish);
            });
  }
}
