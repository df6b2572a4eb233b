package io.locus.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.IntSupplier;

/** Waiting, without blocking, for a verticle's outstanding work to reach zero during a stop. */
public final class Drain {
  private static final long POLL_MS = 20;

  private Drain() {}

  /**
   * Completes with what is still outstanding: 0 as soon as {@code outstanding} says 0, or
   * whatever it says when {@code deadlineMs} has passed.
   */
  public static Future<Integer> until(Vertx vertx, IntSupplier outstanding, long deadlineMs) {
    Promise<Integer> drained = Promise.promise();
    long giveUpAt = System.currentTimeMillis() + deadlineMs;
    check(vertx, outstanding, giveUpAt, drained);
    return drained.future();
  }

  private static void check(Vertx vertx, IntSupplier outstanding, long giveUpAt, Promise<Integer> drained) {
    int left = outstanding.getAsInt();
    if (left == 0 || System.currentTimeMillis() >= giveUpAt) {
      drained.complete(left);
    } else {
      vertx.setTimer(POLL_MS, t -> check(vertx, outstanding, giveUpAt, drained));
    }
  }
}
