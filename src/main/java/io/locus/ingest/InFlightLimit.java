package io.locus.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks at most {@code max} at a time; the others wait, in the order they
 * came. A writer's shard applies through one, so that a message of many operations does not
 * send Cassandra all of them at once: the broker's prefetch bounds messages, not operations.
 * Not thread-safe: use it from one event-loop context.
 */
final class InFlightLimit {
  private final int max;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int running;
  private boolean starting;

  InFlightLimit(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("at least one task must run, was " + max);
    }
    this.max = max;
  }

  /** Runs {@code task} once fewer than {@code max} run; completes as it does. */
  <T> Future<T> run(Supplier<Future<T>> task) {
    Promise<T> done = Promise.promise();
    waiting.addLast(
        () -> {
          running++;
          Future<T> result;
          try {
            result = task.get();
          } catch (RuntimeException e) {
            result = Future.failedFuture(e);
          }
          result.onComplete(
              outcome -> {
                running--;
                startWaiting();
                done.handle(outcome);
              });
        });
    startWaiting();
    return done.future();
  }

  /** Tasks running now. */
  int running() {
    return running;
  }

  /** Tasks waiting for their turn. */
  int waiting() {
    return waiting.size();
  }

  /** Starts waiting tasks while there is room; iterative, so tasks that complete at once never nest. */
  private void startWaiting() {
    if (starting) {
      return;
    }
    starting = true;
    try {
      while (running < max && !waiting.isEmpty()) {
        waiting.pollFirst().run();
      }
    } finally {
      starting = false;
    }
  }
}
