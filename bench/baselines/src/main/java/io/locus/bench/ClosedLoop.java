package io.locus.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.LongFunction;

/**
 * Drives an asynchronous operation in a closed loop: keeps {@code inflight} operations
 * outstanding, starting a new one as each finishes, for a warm-up that is not counted and then
 * the measured time. An operation counts when it finishes within the measured time; its latency
 * is from its start to its finish. After the measured time no new operation starts and the loop
 * completes once the outstanding ones finished (or after a grace period). Runs on one Vert.x
 * context, whatever thread the operations complete on. After a failure the loop waits 1 ms
 * before it starts the next operation in that slot.
 */
final class ClosedLoop {
  private static final long GRACE_NANOS = 10_000_000_000L;

  private final Context context;
  private final int inflight;
  private final LongFunction<Future<?>> operation;
  private final Latencies latencies = new Latencies();
  private final Promise<ClosedLoop> done = Promise.promise();
  private long measureFrom;
  private long measureUntil;
  private long next;
  private int outstanding;
  private long errors;

  /** {@code operation} is given a sequence number, unique in this loop, and starts an operation. */
  private ClosedLoop(Context context, int inflight, LongFunction<Future<?>> operation) {
    this.context = context;
    this.inflight = inflight;
    this.operation = operation;
  }

  /** Runs the loop on a new context of {@code vertx}; completes with the results when done. */
  static Future<Result> run(
      Vertx vertx, int inflight, double warmupSeconds, double seconds, LongFunction<Future<?>> operation) {
    ClosedLoop loop = new ClosedLoop(vertx.getOrCreateContext(), inflight, operation);
    loop.context.runOnContext(v -> loop.start(warmupSeconds, seconds));
    return loop.done.future().map(ClosedLoop::result);
  }

  /** What a loop measured: operations that finished in the measured time, and their latencies. */
  record Result(double seconds, Latencies latencies, long errors) {
    double throughput() {
      return latencies.size() / seconds;
    }

    Measurement measurement(String scenario, String system, String group) {
      return new Measurement(
          scenario, system, group, throughput(), latencies.percentileMs(0.50), latencies.percentileMs(0.99),
          latencies.size() + errors, errors);
    }
  }

  private void start(double warmupSeconds, double seconds) {
    measureFrom = System.nanoTime() + (long) (warmupSeconds * 1e9);
    measureUntil = measureFrom + (long) (seconds * 1e9);
    context.owner().setTimer(
        (long) ((warmupSeconds + seconds) * 1000) + GRACE_NANOS / 1_000_000,
        id -> done.tryComplete(this));
    for (int i = 0; i < inflight; i++) {
      launch();
    }
  }

  private void launch() {
    long started = System.nanoTime();
    if (started >= measureUntil) {
      if (outstanding == 0) {
        done.tryComplete(this);
      }
      return;
    }
    outstanding++;
    Future<?> pending;
    try {
      pending = operation.apply(next++);
    } catch (RuntimeException e) {
      pending = Future.failedFuture(e);
    }
    pending.onComplete(
        outcome -> {
          long finished = System.nanoTime();
          if (Vertx.currentContext() == context) {
            finish(started, finished, outcome.succeeded());
          } else {
            context.runOnContext(v -> finish(started, finished, outcome.succeeded()));
          }
        });
  }

  private void finish(long started, long finished, boolean succeeded) {
    outstanding--;
    if (finished >= measureFrom && finished < measureUntil) {
      if (succeeded) {
        latencies.add(finished - started);
      } else {
        errors++;
      }
    }
    if (succeeded) {
      launch();
    } else {
      // a failing system fails fast: pause a little rather than spin (and never recurse)
      context.owner().setTimer(1, id -> launch());
    }
  }

  private Result result() {
    return new Result((measureUntil - measureFrom) / 1e9, latencies, errors);
  }
}
