package io.locus.ingest;

import io.locus.common.Failure;
import io.locus.record.WriteOp;

import com.rabbitmq.client.AMQP;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.locus.store.LayerStore;
import io.locus.ops.Drain;
import io.locus.ops.Metrics;
import io.locus.ops.OpsSettings;
import io.locus.ops.RequestIds;
import io.locus.store.Cassandra;
import io.locus.store.CassandraSettings;
import io.locus.store.RecordWriter;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the shard queues and applies each operation to Cassandra, acknowledging a message
 * only after Cassandra accepted every write it implies. Operations on one record run one at a
 * time, in queue order; different records run concurrently up to {@code prefetch} per shard.
 *
 * <ul>
 *   <li>Cassandra unreachable: the operation is retried with backoff (100 ms doubling to 5 s)
 *       for as long as it takes; nothing is acknowledged meanwhile, so the queue holds the
 *       backlog.
 *   <li>Poison (a malformed message, or an error that five tries do not cure): published to the
 *       dead-letter exchange with an {@code x-locus-error} header, then acknowledged.
 *   <li>A write to a layer that no longer exists is dropped; a layer purge waits for every
 *       earlier operation of its shard, and later ones wait for it.
 * </ul>
 *
 * Every writer instance consumes every shard queue; the broker's single-active-consumer keeps
 * one of them active per queue and fails over to another when it goes away. A {@link
 * ShardBalancer} spreads the active consumers over the writers, so that adding writers (up to
 * the number of shards) adds throughput.
 *
 * <p>On stop it cancels its consumers (the broker hands the queues to another writer), finishes
 * the deliveries it holds, up to the shutdown deadline, and requeues (nacks) any that cannot
 * finish in time, so that no delivery is left unsettled. Its configuration is the whole node's.
 */
public final class WriterVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(WriterVerticle.class);
  private static final int POISON_TRIES = 5;
  private static final long LAYER_CACHE_MS = 2_000;

  private final RabbitSettings settings;
  private final CassandraSettings cassandra;
  private QueueTopology topology;
  private RabbitMQClient client;
  private RecordWriter writer;
  private LayerStore layers;
  private final Map<String, Long> knownLayers = new HashMap<>();
  private final List<KeyedSequencer> shards = new ArrayList<>();
  private final Map<Integer, RabbitMQConsumer> consumers = new HashMap<>();
  private ShardBalancer balancer;
  private volatile boolean stopping;
  private int unsettled;
  private final OpsSettings ops;

  /** A writer with the node's broker, Cassandra and operational settings. */
  public WriterVerticle(RabbitSettings settings, CassandraSettings cassandra, OpsSettings ops) {
    this.settings = settings;
    this.cassandra = cassandra;
    this.ops = ops;
  }
  private Timer lag;
  private final Map<WriteOp.Kind, Counter> appliedByKind = new EnumMap<>(WriteOp.Kind.class);

  @Override
  public Future<?> start() {
    lag =
        Timer.builder(Metrics.WRITE_LAG)
            .description("from a write's publication to its persistence in Cassandra")
            .publishPercentileHistogram()
            .register(Metrics.registry());
    for (WriteOp.Kind kind : WriteOp.Kind.values()) {
      appliedByKind.put(kind, Metrics.registry().counter(Metrics.APPLIED, "kind", kind.name().toLowerCase(Locale.ROOT)));
    }
    topology = new QueueTopology(settings);
    for (int shard = 0; shard < settings.shards(); shard++) {
      shards.add(new KeyedSequencer());
    }
    CassandraClient store = Cassandra.shared(vertx, cassandra);
    return Future.all(RecordWriter.prepare(store), LayerStore.prepare(store))
        .compose(
            prepared -> {
              writer = prepared.resultAt(0);
              layers = prepared.resultAt(1);
              return BrokerConnection.open(vertx, context, settings, this::onConnected);
            })
        .compose(
            connected -> {
              client = connected;
              return consumeAll();
            })
        .onSuccess(
            v -> {
              balancer = new ShardBalancer(vertx, UUID.randomUUID().toString(), settings.shards(), this::prefer);
              balancer.start();
            });
  }

  /** Moves this writer to the back of the line of every shard queue it does not prefer. */
  private void prefer(Set<Integer> preferred) {
    for (int shard = 0; shard < settings.shards(); shard++) {
      RabbitMQConsumer consumer = consumers.get(shard);
      if (!preferred.contains(shard) && consumer != null && !stopping) {
        int requeued = shard;
        consumer
            .cancel()
            .compose(v -> subscribe(requeued))
            .onFailure(cause -> LOG.warn("could not re-subscribe to shard {}: {}", requeued, cause.toString()));
      }
    }
  }

  @Override
  public Future<?> stop() {
    List<Future<Void>> cancelled = new ArrayList<>();
    consumers.values().forEach(consumer -> cancelled.add(consumer.cancel()));
    if (balancer != null) {
      cancelled.add(balancer.stop());
    }
    return Future.join(cancelled)
        .transform(v -> Drain.until(vertx, () -> unsettled, ops.shutdownDeadlineMs()))
        .compose(
            left -> {
              stopping = true; // what still retries gives up and is requeued
              return Drain.until(vertx, () -> unsettled, 1_000);
            })
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
        .compose(v -> connection.basicQos(settings.prefetch()));
  }

  /** Subscribes to every shard, starting at a random one so active consumers spread out. */
  private Future<Void> consumeAll() {
    int first = ThreadLocalRandom.current().nextInt(settings.shards());
    Future<Void> done = Future.succeededFuture();
    for (int i = 0; i < settings.shards(); i++) {
      int shard = (first + i) % settings.shards();
      done = done.compose(v -> subscribe(shard));
    }
    return done;
  }

  private Future<Void> subscribe(int shard) {
    QueueOptions options = new QueueOptions().setAutoAck(false).setMaxInternalQueueSize(settings.prefetch() * 4);
    return client
        .basicConsumer(topology.shardQueue(shard), options)
        .map(
            consumer -> {
              consumers.put(shard, consumer);
              consumer.handler(message -> onMessage(shard, message));
              return null;
            });
  }

  private void onMessage(int shard, RabbitMQMessage message) {
    unsettled++;
    long tag = message.envelope().getDeliveryTag();
    WriteOp op;
    try {
      op = WriteOp.fromJson(message.body());
    } catch (Failure poison) {
      deadLetter(shard, message, poison.getMessage());
      return;
    }
    KeyedSequencer sequencer = shards.get(shard);
    Future<Void> applied =
        op.kind() == WriteOp.Kind.PURGE_LAYER
            ? sequencer.submitBarrier(() -> retrying(() -> purge(op, shard)))
            : sequencer.submit(op.recordKey(), () -> retrying(() -> applyIfLayerExists(op, shard)));
    applied
        .onSuccess(
            v -> {
              ack(tag);
              appliedByKind.get(op.kind()).increment();
              recordLag(message);
            })
        .onFailure(
            cause -> {
              if (stopping) {
                requeue(tag);
              } else {
                deadLetter(shard, message, cause.getMessage());
              }
            });
  }

  private void recordLag(RabbitMQMessage message) {
    Object publishedAt = header(message, PublisherVerticle.PUBLISHED_AT);
    if (publishedAt instanceof Long at) {
      lag.record(Math.max(0, System.currentTimeMillis() - at), TimeUnit.MILLISECONDS);
    }
  }

  private static Object header(RabbitMQMessage message, String name) {
    Map<String, Object> headers = message.properties().getHeaders();
    return headers == null ? null : headers.get(name);
  }

  private Future<Void> purge(WriteOp op, int shard) {
    knownLayers.remove(op.layer());
    return writer.apply(op, shard);
  }

  private Future<Void> applyIfLayerExists(WriteOp op, int shard) {
    Long knownUntil = knownLayers.get(op.layer());
    Future<Boolean> exists =
        knownUntil != null && knownUntil > System.currentTimeMillis()
            ? Future.succeededFuture(true)
            : layers.get(op.layer()).map(layer -> {
                if (layer != null) {
                  knownLayers.put(op.layer(), System.currentTimeMillis() + LAYER_CACHE_MS);
                }
                return layer != null;
              });
    return exists.compose(
        yes -> {
          if (!yes) {
            LOG.debug("dropping {} of {}/{}: layer no longer exists", op.kind(), op.layer(), op.id());
            return Future.succeededFuture();
          }
          return writer.apply(op, shard);
        });
  }

  /**
   * Runs {@code attempt} until it succeeds: forever while Cassandra is unreachable, {@link
   * #POISON_TRIES} times for any other failure.
   */
  private Future<Void> retrying(Supplier<Future<Void>> attempt) {
    Promise<Void> done = Promise.promise();
    retry(attempt, done, 1, 100);
    return done.future();
  }

  private void retry(Supplier<Future<Void>> attempt, Promise<Void> done, int tries, long delayMs) {
    attempt
        .get()
        .onSuccess(done::complete)
        .onFailure(
            cause -> {
              boolean transientFailure = Cassandra.isUnavailable(cause);
              if (stopping || (!transientFailure && tries >= POISON_TRIES)) {
                done.fail(cause);
                return;
              }
              if (tries == 3 || tries % 20 == 0) {
                LOG.warn("write failed (try {}), retrying in {} ms: {}", tries, delayMs, cause.toString());
              }
              vertx.setTimer(delayMs, t -> retry(attempt, done, tries + 1, Math.min(delayMs * 2, 5_000)));
            });
  }

  private void ack(long tag) {
    unsettled--;
    client
        .basicAck(tag, false)
        .onFailure(cause -> LOG.info("ack failed, the broker will redeliver: {}", cause.getMessage()));
  }

  private void requeue(long tag) {
    unsettled--;
    client
        .basicNack(tag, false, true)
        .onFailure(cause -> LOG.info("nack failed, the broker will redeliver: {}", cause.getMessage()));
  }

  private void deadLetter(int shard, RabbitMQMessage message, String reason) {
    LOG.atError()
        .addKeyValue("requestId", header(message, RequestIds.HEADER))
        .log("dead-lettering a message of shard {}: {}", shard, reason);
    Metrics.registry().counter(Metrics.DEAD_LETTERED).increment();
    Map<String, Object> headers = new HashMap<>();
    headers.put("x-locus-error", String.valueOf(reason));
    headers.put("x-locus-shard", shard);
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json").headers(headers).build();
    client
        .basicPublish(topology.deadLetterExchange(), "", properties, message.body())
        .compose(v -> client.waitForConfirms(5_000))
        .onSuccess(v -> ack(message.envelope().getDeliveryTag()))
        .onFailure(
            cause -> {
              LOG.warn("could not dead-letter; requeued for another try: {}", cause.getMessage());
              requeue(message.envelope().getDeliveryTag());
            });
  }
}
