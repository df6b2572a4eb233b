package io.locus.ingest;

import io.locus.ops.Drain;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.IntSupplier;

/**
 * A writer's stop, once its consumers are cancelled: waits up to the shutdown deadline for the
 * deliveries it holds to be settled, then turns {@link #stopping} on, so that whatever still
 * retries gives up and is requeued, and waits a last {@link #REQUEUE_MS} for those requeues.
 */
final class WriterDrain {
  static final long REQUEUE_MS = 1_000;

  private volatile boolean stopping;

  /** Whether the deadline has passed: retries give up, failures are requeued, not dead-lettered. */
  boolean stopping() {
    return stopping;
  }

  /** Completes with the deliveries still held at the end, for the broker to requeue. */
  Future<Integer> drain(Vertx vertx, IntSupplier held, long deadlineMs) {
    return Drain.until(vertx, held, deadlineMs)
        .compose(
            left -> {
              stopping = true;
              return Drain.until(vertx, held, REQUEUE_MS);
            });
  }
}
