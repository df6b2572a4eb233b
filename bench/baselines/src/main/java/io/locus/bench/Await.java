package io.locus.bench;

import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;

/**
 * Blocking helpers for the command-line mains, which drive Vert.x clients from their own thread
 * (never from an event loop).
 */
final class Await {
  private Await() {}

  /** Waits for {@code future} and returns its result, or throws its failure. */
  static <T> T result(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }

  /** Issues {@code count} operations with at most {@code window} of them unfinished at a time. */
  static void windowed(int count, int window, IntFunction<Future<?>> operation) {
    Semaphore permits = new Semaphore(window);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int i = 0; i < count && failure.get() == null; i++) {
      permits.acquireUninterruptibly();
      operation.apply(i).onComplete(done -> {
        if (done.failed()) {
          failure.compareAndSet(null, done.cause());
        }
        permits.release();
      });
    }
    permits.acquireUninterruptibly(window);
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get().getMessage(), failure.get());
    }
  }
}
