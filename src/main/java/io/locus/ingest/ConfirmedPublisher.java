package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.common.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;
import java.util.function.Function;

/**
 * Publishes on a {@link BrokerConnection} of its own, in confirm mode, and answers each publish
 * when the broker confirmed it: fails with a 503 {@link Failure} when the broker is unreachable,
 * refuses the message, or does not confirm within the timeout. Its channel carries publishes
 * only, so a publish never shares a channel with deliveries being acknowledged.
 *
 * <p>Confirms that stop arriving are a broken channel: when a publish times out and no confirm
 * at all arrived for as long, the connection is rebuilt (and {@link #ready} is false meanwhile);
 * what the old channel still awaited fails then. A broker that is merely slow keeps confirming
 * and is left alone.
 */
final class ConfirmedPublisher {
  private final Vertx vertx;
  private final Context context;
  private final long confirmTimeoutMs;
  private final BrokerConnection connection;
  private final Function<RabbitMQClient, Future<Void>> declare;
  private ConfirmTracker confirms;
  private long epoch = -1;
  private long lastConfirmNanos = System.nanoTime();

  /**
   * A publisher whose callers' futures complete on the context it is created on.
   *
   * @param name what it publishes, in log lines
   * @param declare what a new connection declares before it publishes
   */
  ConfirmedPublisher(Vertx vertx, RabbitSettings settings, String name, Function<RabbitMQClient, Future<Void>> declare) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.confirmTimeoutMs = settings.confirmTimeoutMs();
    this.declare = declare;
    this.connection = new BrokerConnection(vertx, settings, name, this::setUp, why -> abandon());
  }

  /** Connects (see {@link BrokerConnection#start}). */
  Future<Void> start() {
    return connection.start();
  }

  /** Closes the connection; what still awaits a confirm fails. */
  Future<Void> close() {
    abandon();
    return connection.close();
  }

  /** Declares, then confirm mode, then the confirm listener: in that order, on the new channel. */
  private Future<Void> setUp(RabbitMQClient client, long connectionEpoch) {
    abandon();
    ConfirmTracker tracker = new ConfirmTracker(task -> context.runOnContext(v -> task.run()));
    return declare
        .apply(client)
        .compose(v -> client.confirmSelect())
        // No cap on the listener's queue: the client drops every confirm past its cap for good.
        .compose(v -> client.addConfirmListener(Integer.MAX_VALUE))
        .map(
            stream -> {
              stream.handler(
                  c -> {
                    lastConfirmNanos = System.nanoTime();
                    tracker.settle(c.getDeliveryTag(), c.isMultiple(), c.isSucceeded());
                  });
              confirms = tracker;
              epoch = connectionEpoch;
              lastConfirmNanos = System.nanoTime();
              return null;
            });
  }

  /** Whether publishing can work now. */
  boolean ready() {
    return confirms != null && connection.ready() && connection.clientAt(epoch) != null;
  }

  /** The client while publishing can work, else {@code null}: for questions (queue depths), not publishes. */
  RabbitMQClient client() {
    return ready() ? connection.clientAt(epoch) : null;
  }

  /** Publishes not yet confirmed. */
  int unconfirmed() {
    ConfirmTracker current = confirms;
    return current == null ? 0 : current.size();
  }

  /** Fails what is still waiting for a confirm (at the end of a drain, or with its channel). */
  void abandon() {
    ConfirmTracker current = confirms;
    confirms = null;
    if (current != null) {
      current.abandon();
    }
  }

  /** Publishes {@code body} and completes once the broker confirmed it. */
  Future<Void> publish(String exchange, String routingKey, AMQP.BasicProperties properties, Buffer body) {
    ConfirmTracker tracker = confirms;
    RabbitMQClient current = connection.ready() ? connection.clientAt(epoch) : null;
    if (tracker == null || current == null) {
      return Future.failedFuture(Failure.unavailable("message broker unavailable"));
    }
    Promise<Void> confirmed = Promise.promise();
    long timer = vertx.setTimer(confirmTimeoutMs, id -> timedOut(confirmed));
    current
        .basicPublishWithDeliveryTag(exchange, routingKey, properties, body, tag -> tracker.register(tag, confirmed))
        .onFailure(cause -> confirmed.tryFail(Failure.unavailable("publish failed: " + cause.getMessage())));
    return confirmed.future().onComplete(done -> vertx.cancelTimer(timer));
  }

  private void timedOut(Promise<Void> confirmed) {
    if (confirmed.tryFail(Failure.unavailable("no confirm from the broker within " + confirmTimeoutMs + " ms"))
        && System.nanoTime() - lastConfirmNanos >= confirmTimeoutMs * 1_000_000L) {
      connection.rebuild("no confirm for " + confirmTimeoutMs + " ms");
    }
  }
}
