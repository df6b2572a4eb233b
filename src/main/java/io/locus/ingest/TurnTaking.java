package io.locus.ingest;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQConsumer;
import io.vertx.rabbitmq.RabbitMQMessage;

/**
 * Handles a RabbitMQ consumer's messages at most so many per turn of the event loop. The client
 * hands every message it holds to the handler in one go, so a burst (a full prefetch of bulk
 * writes, thousands of feed events) would hold the loop for as long as all of them take; this
 * pauses the consumer after {@code perTurn} messages and resumes it on the loop's next turn, so
 * other work on the loop (HTTP requests, other consumers) runs between. Nothing is lost or
 * reordered: a paused consumer keeps what it holds.
 */
final class TurnTaking {
  private TurnTaking() {}

  /** Sets {@code handler} on {@code consumer}, run for at most {@code perTurn} messages a turn. */
  static void handle(Vertx vertx, RabbitMQConsumer consumer, int perTurn, Handler<RabbitMQMessage> handler) {
    int[] inTurn = {0};
    consumer.handler(
        message -> {
          handler.handle(message);
          if (++inTurn[0] == perTurn) {
            inTurn[0] = 0;
            consumer.pause();
            vertx.runOnContext(next -> consumer.resume());
          }
        });
  }
}
