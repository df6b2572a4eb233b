package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.common.Failure;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.rabbitmq.RabbitMQClient;

/**
 * Publishes on one channel in confirm mode and answers each publish when the broker confirmed
 * it: fails with a 503 {@link Failure} when the broker is unreachable, refuses the message, or
 * does not confirm within the timeout. {@link #connected} must run on every (re)connection;
 * what the old channel still held fails then.
 */
final class ConfirmedPublisher {
  private final Vertx vertx;
  private final Context context;
  private final long confirmTimeoutMs;
  private volatile RabbitMQClient client;
  private volatile ConfirmTracker confirms;

  /** A publisher whose callers' futures complete on the context it is created on. */
  ConfirmedPublisher(Vertx vertx, long confirmTimeoutMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.confirmTimeoutMs = confirmTimeoutMs;
  }

  /** Takes the new connection's confirms (the channel must be in confirm mode already). */
  Future<Void> connected(RabbitMQClient connection, int maxInFlight) {
    ConfirmTracker previous = confirms;
    confirms = null;
    if (previous != null) {
      previous.abandon();
    }
    ConfirmTracker tracker = new ConfirmTracker(task -> context.runOnContext(v -> task.run()));
    return connection
        .addConfirmListener(maxInFlight)
        .map(
            stream -> {
              stream.handler(c -> tracker.settle(c.getDeliveryTag(), c.isMultiple(), c.isSucceeded()));
              client = connection;
              confirms = tracker;
              return null;
            });
  }

  /** Whether publishing can work now. */
  boolean ready() {
    RabbitMQClient current = client;
    return confirms != null && current != null && current.isConnected();
  }

  /** Publishes not yet confirmed. */
  int unconfirmed() {
    ConfirmTracker current = confirms;
    return current == null ? 0 : current.size();
  }

  /** Fails what is still waiting for a confirm (at the end of a drain). */
  void abandon() {
    ConfirmTracker current = confirms;
    if (current != null) {
      current.abandon();
    }
  }

  /** Publishes {@code body} and completes once the broker confirmed it. */
  Future<Void> publish(String exchange, String routingKey, AMQP.BasicProperties properties, Buffer body) {
    ConfirmTracker tracker = confirms;
    RabbitMQClient current = client;
    if (tracker == null || current == null || !current.isConnected()) {
      return Future.failedFuture(Failure.unavailable("message broker unavailable"));
    }
    Promise<Void> confirmed = Promise.promise();
    long timer =
        vertx.setTimer(
            confirmTimeoutMs,
            id -> confirmed.tryFail(Failure.unavailable("no confirm from the broker within " + confirmTimeoutMs + " ms")));
    current
        .basicPublishWithDeliveryTag(exchange, routingKey, properties, body, tag -> tracker.register(tag, confirmed))
        .onFailure(cause -> confirmed.tryFail(Failure.unavailable("publish failed: " + cause.getMessage())));
    return confirmed.future().onComplete(done -> vertx.cancelTimer(timer));
  }
}
