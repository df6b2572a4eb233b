package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes write operations durably. Consumes {@link Addresses#PUBLISH}: a {@link WriteBatch};
 * replies only once RabbitMQ confirmed every one of them
 * (persistent messages on durable quorum queues), or fails with 503 at once when the broker is
 * unreachable and after {@code confirmTimeoutMs} when it does not confirm. Record operations go
 * to their record's shard queue; a layer purge goes to every shard. Answers {@link
 * Addresses#HEALTH_RABBITMQ}.
 */
public final class PublisherVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(PublisherVerticle.class);
  private static final AMQP.BasicProperties PERSISTENT =
      new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json").build();

  private RabbitSettings settings;
  private QueueTopology topology;
  private RabbitMQClient client;
  private volatile ConfirmTracker confirms;

  @Override
  public Future<?> start() {
    settings = RabbitSettings.from(config());
    topology = new QueueTopology(settings);
    return BrokerConnection.open(vertx, context, settings, this::onConnected)
        .onSuccess(
            connected -> {
              client = connected;
              vertx.eventBus().<WriteBatch>consumer(Addresses.PUBLISH, this::publish);
              vertx.eventBus().consumer(Addresses.HEALTH_RABBITMQ, this::health);
            });
  }

  @Override
  public Future<?> stop() {
    ConfirmTracker current = confirms;
    if (current != null) {
      current.abandon();
    }
    return client == null ? Future.succeededFuture() : client.stop();
  }

  /** Runs on every (re)connection: declare the topology, then listen for confirms. */
  private Future<Void> onConnected(RabbitMQClient connection) {
    ConfirmTracker previous = confirms;
    confirms = null;
    if (previous != null) {
      previous.abandon();
    }
    ConfirmTracker tracker = new ConfirmTracker();
    return topology
        .declare(connection)
        .compose(v -> connection.addConfirmListener(Math.max(1024, settings.prefetch() * 16)))
        .map(
            stream -> {
              stream.handler(c -> tracker.settle(c.getDeliveryTag(), c.isMultiple(), c.isSucceeded()));
              confirms = tracker;
              LOG.info("publisher connected to RabbitMQ at {}:{}", settings.host(), settings.port());
              return null;
            });
  }

  private void publish(Message<WriteBatch> request) {
    List<WriteOp> ops = request.body().ops();
    List<Future<Void>> confirmed = new ArrayList<>(ops.size());
    for (WriteOp op : ops) {
      Buffer body = Buffer.buffer(op.toJson().encode());
      if (op.kind() == WriteOp.Kind.PURGE_LAYER) {
        for (int shard = 0; shard < topology.shards(); shard++) {
          confirmed.add(publishConfirmed(shard, body));
        }
      } else {
        confirmed.add(publishConfirmed(topology.shardOf(op.layer(), op.id()), body));
      }
    }
    Future.all(confirmed)
        .onSuccess(v -> request.reply(new JsonObject().put("accepted", ops.size())))
        .onFailure(cause -> request.fail(503, "write not accepted: " + cause.getMessage()));
  }

  private Future<Void> publishConfirmed(int shard, Buffer body) {
    ConfirmTracker tracker = confirms;
    if (tracker == null || client == null || !client.isConnected()) {
      return Future.failedFuture("message broker unavailable");
    }
    Promise<Void> confirmed = Promise.promise();
    long timer =
        vertx.setTimer(
            settings.confirmTimeoutMs(),
            id -> confirmed.tryFail("no confirm from the broker within " + settings.confirmTimeoutMs() + " ms"));
    client
        .basicPublishWithDeliveryTag(
            topology.exchange(), QueueTopology.routingKey(shard), PERSISTENT, body,
            tag -> tracker.register(tag, confirmed))
        .onFailure(cause -> confirmed.tryFail("publish failed: " + cause.getMessage()));
    return confirmed.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void health(Message<Object> request) {
    boolean up = confirms != null && client != null && client.isConnected();
    request.reply(new JsonObject().put("status", up ? "up" : "down"));
  }
}
