package io.locus.ingest;

import io.locus.record.WriteBatch;
import io.locus.record.WriteOp;

import com.rabbitmq.client.AMQP;
import io.locus.common.Addresses;
import io.locus.ops.Drain;
import io.locus.ops.Metrics;
import io.locus.ops.OpsSettings;
import io.locus.ops.RequestIds;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.MessageConsumerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes write operations durably. Consumes {@link Addresses#PUBLISH}: a {@link WriteBatch};
 * replies only once RabbitMQ confirmed every one of them
 * (persistent messages on durable quorum queues), or fails with 503 at once when the broker is
 * unreachable and after {@code confirmTimeoutMs} when it does not confirm. Record operations go
 * to their record's shard queue; a layer purge goes to every shard. Operations waiting for a
 * shard while its last message awaits its confirm go out together in its next message ({@link
 * GroupCommit}, {@link ShardMessage}), each with its request's id; a message carries its
 * publication time as a header. Answers {@link Addresses#HEALTH_RABBITMQ}
 * and samples the depth of every shard queue and of the dead-letter queue for {@link
 * Metrics#QUEUE_MESSAGES}.
 *
 * <p>On stop it takes no new work and waits, up to the shutdown deadline, for the broker to
 * confirm what it already published, so that every write answered 202 is on the broker.
 */
public final class PublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PublisherVerticle.class);
  private static final long QUEUE_SAMPLE_MS = 5_000;
  /** AMQP header: when the operation was published, epoch ms (the writer measures lag from it). */
  static final String PUBLISHED_AT = "x-locus-published-ms";

  private final RabbitSettings settings;
  private QueueTopology topology;
  private ConfirmedPublisher confirmed;
  private GroupCommit commits;
  /** The most operations one message of a shard carries. */
  static final int MESSAGE_OPS = 256;
  /** About the largest message of a shard, in bytes (a single larger operation goes alone). */
  static final int MESSAGE_BYTES = 256 * 1024;
  /** Write batches published in one turn of the event loop: a burst of them waits for later turns. */
  static final int PUBLISHES_PER_TURN = 32;

  private MessageConsumer<WriteBatch> publishing;
  private final OpsSettings ops;

  /** A publisher with the node's broker and operational settings. */
  public PublisherVerticle(RabbitSettings settings, OpsSettings ops) {
    this.settings = settings;
    this.ops = ops;
  }
  private Counter published;
  private Counter failed;

  @Override
  public Future<?> start() {
    topology = new QueueTopology(settings);
    confirmed = new ConfirmedPublisher(vertx, settings, "publisher", this::onConnected);
    commits = new GroupCommit(topology.shards(), MESSAGE_OPS, MESSAGE_BYTES, this::send);
    published = Metrics.registry().counter(Metrics.PUBLISHED);
    failed = Metrics.registry().counter(Metrics.PUBLISH_FAILED);
    return confirmed
        .start()
        .onSuccess(
            connected -> {
              // Paused for a turn at a time, it must keep what arrives meanwhile, however much.
              publishing =
                  vertx.eventBus().consumer(
                      new MessageConsumerOptions().setAddress(Addresses.PUBLISH).setMaxBufferedMessages(Integer.MAX_VALUE));
              TurnTaking.handle(vertx, publishing, PUBLISHES_PER_TURN, this::publish);
              vertx.eventBus().consumer(Addresses.HEALTH_RABBITMQ, this::health);
              vertx.setPeriodic(QUEUE_SAMPLE_MS, t -> sampleQueues());
            });
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = publishing == null ? Future.succeededFuture() : publishing.unregister();
    return unregistered
        .compose(v -> Drain.until(vertx, this::unconfirmed, ops.shutdownDeadlineMs()))
        .compose(
            left -> {
              if (left > 0) {
                LOG.warn("stopping with {} publishes unconfirmed after {} ms", left, ops.shutdownDeadlineMs());
              }
              return confirmed.close();
            });
  }

  private int unconfirmed() {
    return commits.held();
  }

  private void sampleQueues() {
    RabbitMQClient client = confirmed.client();
    if (client == null) {
      return;
    }
    List<String> queues = new ArrayList<>();
    for (int shard = 0; shard < topology.shards(); shard++) {
      queues.add(topology.shardQueue(shard));
    }
    queues.add(topology.deadLetterQueue());
    for (String queue : queues) {
      client.messageCount(queue).onSuccess(count -> QueueDepths.set(queue, count));
    }
  }

  /** Runs on every new connection, before confirms are set up: declare the topology. */
  private Future<Void> onConnected(RabbitMQClient connection) {
    return topology
        .declare(connection)
        .onSuccess(v -> LOG.info("publisher connected to RabbitMQ at {}:{}", settings.host(), settings.port()));
  }

  private void publish(Message<WriteBatch> request) {
    List<WriteOp> batch = request.body().ops();
    String requestId = request.headers().get(RequestIds.HEADER);
    List<Future<Void>> confirmed = new ArrayList<>(batch.size());
    for (WriteOp op : batch) {
      Buffer entry = ShardMessage.entry(op, requestId);
      if (op.kind() == WriteOp.Kind.PURGE_LAYER) {
        for (int shard = 0; shard < topology.shards(); shard++) {
          confirmed.add(commits.add(shard, entry));
        }
      } else {
        confirmed.add(commits.add(topology.shardOf(op.layer(), op.id()), entry));
      }
    }
    Future.all(confirmed)
        .onSuccess(
            v -> {
              published.increment(batch.size());
              request.reply(new JsonObject().put("accepted", batch.size()));
            })
        .onFailure(
            cause -> {
              failed.increment(batch.size());
              LOG.atWarn()
                  .addKeyValue("requestId", requestId)
                  .log("write not accepted: {}", cause.getMessage());
              request.fail(503, "write not accepted: " + cause.getMessage());
            });
  }

  /** Publishes one message of operations to {@code shard}, stamped with the time it went out. */
  private Future<Void> send(int shard, Buffer message, int ops) {
    AMQP.BasicProperties properties =
        new AMQP.BasicProperties.Builder()
            .deliveryMode(2)
            .contentType(ShardMessage.CONTENT_TYPE)
            .headers(Map.of(PUBLISHED_AT, System.currentTimeMillis()))
            .build();
    return confirmed.publish(topology.exchange(), QueueTopology.routingKey(shard), properties, message);
  }

  private void health(Message<Object> request) {
    boolean up = confirmed.ready();
    request.reply(new JsonObject().put("status", up ? "up" : "down"));
  }
}
