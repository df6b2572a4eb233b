package io.locus.ingest;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;

/**
 * The broker objects Locus writes through, declared idempotently on every (re)connection by
 * publishers, writers and feed consumers alike (the stream of changes by its consumers only):
 *
 * <ul>
 *   <li>exchange {@code <prefix>.writes} (direct): routes an operation to the shard queue named
 *       by its routing key, the shard number;
 *   <li>{@code <prefix>.writes.<n>}: durable quorum queues with a single active consumer, so one
 *       writer at a time applies a shard's operations in order. They have no delivery limit: the
 *       broker counts a delivery each time a message goes back to its queue, also when the
 *       channel that held it closes, so a limit would dead-letter a write held through a few
 *       reconnections. Poison is judged by the writer, which counts its own tries ({@code
 *       RetryPolicy}) and dead-letters with the reason;
 *   <li>{@code <prefix>.shard.<n>} on exchange {@code <prefix>} ({@link #legacyShardQueue}): the
 *       shard queues of earlier releases, which carried a delivery limit (a queue's arguments
 *       cannot change once declared). Never declared now; where one still exists, writers drain
 *       it into Cassandra like the others until the operator deletes it (see docs/architecture.md);
 *   <li>exchange and queue {@code <prefix>.dead}: dead letters, with the broker's {@code
 *       x-death} header or a writer's {@code x-locus-error} header saying why;
 *   <li>exchange {@code <prefix>.changes} (topic): the change feed ({@code feed.ChangeEvent}),
 *       routed by the shard number like the writes, so a consumer bound to some shards keeps
 *       each record's order; a query node binds its own queue to {@code #}, every shard;
 *   <li>{@code <prefix>.hooks.shard.<n>}: durable quorum queues with a single active consumer,
 *       each bound to one shard of the change feed, from which webhooks are sent ({@code
 *       HookVerticle}): every change, in each record's order;
 *   <li>exchange {@code <prefix>.hooks} (direct) and a queue per webhook receiver, {@code
 *       <prefix>.hook.<endpoint>} ({@link #declareHookEndpoint}), each with a single active
 *       consumer, so one receiver that is down holds up no other; {@code <prefix>.hooks.dead}:
 *       the deliveries given up on, with the reason;
 *   <li>{@code <prefix>.changes.stream} ({@link #declareChangeStream}): a stream queue bound to
 *       every shard of the change feed, kept for {@code rabbitmq.changeRetentionSeconds} (or until it holds {@code
 *       rabbitmq.changeRetentionMegabytes}), from which API nodes serve the change stream and its
 *       resumption ({@code ChangeStreamVerticle}). Its retention is fixed when it is first
 *       declared: to change it, set a RabbitMQ policy ({@code max-age}, {@code max-length-bytes})
 *       on it, or delete it.
 * </ul>
 */
public final class QueueTopology {
  /** Retention drops whole segments: small ones keep the stream near its configured bounds. */
  private static final int STREAM_SEGMENT_BYTES = 16 * 1024 * 1024;
  private final RabbitSettings settings;

  public QueueTopology(RabbitSettings settings) {
    this.settings = settings;
  }

  /** The exchange writes are published to, routed by shard. */
  public String exchange() {
    return settings.namePrefix() + ".writes";
  }

  public String deadLetterExchange() {
    return settings.namePrefix() + ".dead";
  }

  /** The change feed's exchange. */
  public String changesExchange() {
    return settings.namePrefix() + ".changes";
  }

  /** The stream of changes, kept for resuming (see the class comment). */
  public String changeStream() {
    return changesExchange() + ".stream";
  }

  public String deadLetterQueue() {
    return settings.namePrefix() + ".dead";
  }

  /** The queue of a shard's writes. */
  public String shardQueue(int shard) {
    return exchange() + "." + shard;
  }

  /**
   * The queue of a shard's writes in earlier releases, declared with a delivery limit; a
   * writer consumes it while it exists, so that an upgrade loses none of what it holds.
   */
  public String legacyShardQueue(int shard) {
    return settings.namePrefix() + ".shard." + shard;
  }

  /** The webhook deliveries' exchange, routed by endpoint id. */
  public String hooksExchange() {
    return settings.namePrefix() + ".hooks";
  }

  /** The queue of a shard's changes waiting to be turned into webhook deliveries. */
  public String hookShardQueue(int shard) {
    return hooksExchange() + ".shard." + shard;
  }

  /** The queue of one webhook receiver's deliveries. */
  public String hookQueue(String endpoint) {
    return settings.namePrefix() + ".hook." + endpoint;
  }

  /** Webhook deliveries given up on. */
  public String hookDeadQueue() {
    return hooksExchange() + ".dead";
  }

  /** The routing key of {@link #hookDeadQueue} on {@link #hooksExchange}. */
  public static final String HOOK_DEAD_KEY = "dead";

  /** Declares the queue of webhook receiver {@code endpoint}, bound to its routing key; idempotent. */
  public Future<Void> declareHookEndpoint(RabbitMQClient client, String endpoint) {
    JsonObject arguments = new JsonObject().put("x-queue-type", "quorum").put("x-single-active-consumer", true);
    return client
        .queueDeclare(hookQueue(endpoint), true, false, false, arguments)
        .compose(v -> client.queueBind(hookQueue(endpoint), hooksExchange(), endpoint));
  }

  /** Routing key of a shard. */
  public static String routingKey(int shard) {
    return Integer.toString(shard);
  }

  /** The shard that orders operations on one record. Stable across JVMs and restarts. */
  public int shardOf(String layer, String id) {
    int hash = (layer + '\u0000' + id).hashCode();
    hash ^= hash >>> 16;
    hash *= 0x85ebca6b;
    hash ^= hash >>> 13;
    return Math.floorMod(hash, settings.shards());
  }

  public int shards() {
    return settings.shards();
  }

  private JsonObject streamArguments() {
    return new JsonObject()
        .put("x-queue-type", "stream")
        .put("x-max-age", settings.changeRetentionSeconds() + "s")
        .put("x-max-length-bytes", settings.changeRetentionMegabytes() * 1024L * 1024L)
        .put("x-stream-max-segment-size-bytes", STREAM_SEGMENT_BYTES);
  }

  /**
   * Declares the feed's exchange and the stream of changes bound to it; safe to run any number
   * of times. Only the change stream's consumers declare the stream, not {@link #declare}: just
   * after a broker restart a stream answers a declaration "down or inaccessible" for a moment,
   * closing the channel, and the write path's setup must not depend on that.
   */
  public Future<Void> declareChangeStream(RabbitMQClient client) {
    return client
        .exchangeDeclare(changesExchange(), "topic", true, false)
        .compose(v -> client.queueDeclare(changeStream(), true, false, false, streamArguments()))
        .compose(v -> client.queueBind(changeStream(), changesExchange(), "#"));
  }

  /** Declares everything the write path and the feed use; safe to run any number of times. */
  public Future<Void> declare(RabbitMQClient client) {
    JsonObject quorum = new JsonObject().put("x-queue-type", "quorum");
    Future<Void> done =
        client
            .exchangeDeclare(exchange(), "direct", true, false)
            .compose(v -> client.exchangeDeclare(deadLetterExchange(), "fanout", true, false))
            .compose(v -> client.exchangeDeclare(changesExchange(), "topic", true, false))
            .compose(v -> client.queueDeclare(deadLetterQueue(), true, false, false, quorum).mapEmpty())
            .compose(v -> client.queueBind(deadLetterQueue(), deadLetterExchange(), ""))
            .compose(v -> client.exchangeDeclare(hooksExchange(), "direct", true, false))
            .compose(v -> client.queueDeclare(hookDeadQueue(), true, false, false, quorum).mapEmpty())
            .compose(v -> client.queueBind(hookDeadQueue(), hooksExchange(), HOOK_DEAD_KEY));
    for (int shard = 0; shard < settings.shards(); shard++) {
      int n = shard;
      JsonObject arguments =
          quorum
              .copy()
              .put("x-single-active-consumer", true);
      done =
          done.compose(v -> client.queueDeclare(shardQueue(n), true, false, false, arguments).mapEmpty())
              .compose(v -> client.queueBind(shardQueue(n), exchange(), routingKey(n)))
              .compose(v -> client.queueDeclare(hookShardQueue(n), true, false, false, quorum.copy().put("x-single-active-consumer", true)).mapEmpty())
              .compose(v -> client.queueBind(hookShardQueue(n), changesExchange(), routingKey(n)));
    }
    return done;
  }
}
