package io.locus.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes; the test's alternative to sleeping. */
public final class Eventually {
  private Eventually() {}

  /**
   * Returns the first value of {@code probe} that {@code done} accepts, polling every 100 ms;
   * fails with the last value seen once {@code within} has passed.
   */
  public static <T> T await(Duration within, Supplier<T> probe, java.util.function.Predicate<T> done) {
    return await(within, probe, done, Duration.ofMillis(100));
  }

  /** As {@link #await(Duration, Supplier, java.util.function.Predicate)}, polling every {@code every}. */
  public static <T> T await(Duration within, Supplier<T> probe, java.util.function.Predicate<T> done, Duration every) {
    long deadline = System.nanoTime() + within.toNanos();
    T last = null;
    RuntimeException lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = probe.get();
        lastError = null;
        if (done.test(last)) {
          return last;
        }
      } catch (RuntimeException e) {
        lastError = e;
      }
      pause(every);
    }
    AssertionError failure = new AssertionError("condition not met within " + within + "; last value: " + last);
    if (lastError != null) {
      failure.initCause(lastError);
    }
    throw failure;
  }

  private static void pause(Duration every) {
    try {
      Thread.sleep(every.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
