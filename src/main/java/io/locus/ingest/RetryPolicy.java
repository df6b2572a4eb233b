package io.locus.ingest;

import io.locus.common.Failure;
import io.locus.store.Cassandra;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a writer retries an operation whose write failed. A transient failure (Cassandra
 * unreachable or not answering in time, the change feed's broker not confirming) is retried for as long as it takes; any other failure
 * makes the operation poison once {@code poisonTries} tries have failed. Tries are spaced by a
 * backoff starting at {@code firstDelayMs} and doubling up to {@code maxDelayMs}.
 */
record RetryPolicy(int poisonTries, long firstDelayMs, long maxDelayMs) {
  /** The writer's: poison after 5 tries, 100 ms doubling to 5 s between them. */
  static final RetryPolicy WRITES = new RetryPolicy(5, 100, 5_000);

  private static final Logger LOG = LoggerFactory.getLogger(RetryPolicy.class);

  /** Whether {@code cause} may go away by itself, so that retrying is worth it however long. */
  static boolean isTransient(Throwable cause) {
    return Cassandra.isUnavailable(cause) || Failure.statusOf(cause) == 503;
  }

  /** Whether the {@code tries}-th failed try, failing with {@code cause}, is the last. */
  boolean givesUp(Throwable cause, int tries) {
    return !isTransient(cause) && tries >= poisonTries;
  }

  /** The wait after the {@code tries}-th failed try (the first is 1). */
  long backoffMs(int tries) {
    long delay = firstDelayMs;
    for (int i = 1; i < tries && delay < maxDelayMs; i++) {
      delay *= 2;
    }
    return Math.min(delay, maxDelayMs);
  }

  /** Whether the {@code tries}-th failure is logged: the third, then every twentieth. */
  static boolean logs(int tries) {
    return tries == 3 || tries % 20 == 0;
  }

  /**
   * Runs {@code attempt} until it succeeds, on {@code vertx}'s timers; fails with the last
   * failure once the policy gives up, or at the first failure after {@code stopping} turned on.
   */
  Future<Void> retrying(Vertx vertx, Supplier<Future<Void>> attempt, BooleanSupplier stopping) {
    return retrying(vertx, attempt, stopping, cause -> false);
  }

  /** As {@link #retrying(Vertx, Supplier, BooleanSupplier)}, and fails at once with a failure that is {@code final}. */
  Future<Void> retrying(Vertx vertx, Supplier<Future<Void>> attempt, BooleanSupplier stopping, Predicate<Throwable> isFinal) {
    Promise<Void> done = Promise.promise();
    retry(vertx, attempt, stopping, isFinal, done, 1);
    return done.future();
  }

  private void retry(
      Vertx vertx,
      Supplier<Future<Void>> attempt,
      BooleanSupplier stopping,
      Predicate<Throwable> isFinal,
      Promise<Void> done,
      int tries) {
    attempt
        .get()
        .onSuccess(done::complete)
        .onFailure(
            cause -> {
              if (stopping.getAsBoolean() || isFinal.test(cause) || givesUp(cause, tries)) {
                done.fail(cause);
                return;
              }
              long delayMs = backoffMs(tries);
              if (logs(tries)) {
                LOG.warn("write failed (try {}), retrying in {} ms: {}", tries, delayMs, cause.toString());
              }
              vertx.setTimer(delayMs, t -> retry(vertx, attempt, stopping, isFinal, done, tries + 1));
            });
  }
}
