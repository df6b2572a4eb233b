package io.locus.ingest;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.streams.ReadStream;

/**
 * Handles a stream's items at most so many per turn of the event loop. A RabbitMQ consumer or
 * an event-bus consumer hands every item it holds to the handler in one go, so a burst (a full
 * prefetch of bulk writes, thousands of feed events, hundreds of writes to publish) would hold
 * the loop for as long as all of them take; this pauses the stream after {@code perTurn} items
 * and resumes it on the loop's next turn, so other work on the loop (HTTP requests, other
 * consumers) runs between. Nothing is lost or reordered as long as the paused stream keeps what
 * it holds: the callers leave their buffers uncapped.
 */
final class TurnTaking {
  private TurnTaking() {}

  /** Sets {@code handler} on {@code stream}, run for at most {@code perTurn} items a turn. */
  static <T> void handle(Vertx vertx, ReadStream<T> stream, int perTurn, Handler<T> handler) {
    int[] inTurn = {0};
    stream.handler(
        item -> {
          handler.handle(item);
          if (++inTurn[0] == perTurn) {
            inTurn[0] = 0;
            stream.pause();
            vertx.runOnContext(next -> stream.resume());
          }
        });
  }
}
