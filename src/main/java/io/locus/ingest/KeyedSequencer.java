package io.locus.ingest;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks so that tasks of the same key run one after another, in submission
 * order, while tasks of different keys run concurrently. A barrier task waits for everything
 * submitted before it, and everything submitted after it waits for the barrier. Not
 * thread-safe: use it from one event-loop context.
 */
final class KeyedSequencer {
  private final Map<String, Future<Void>> tails = new HashMap<>();
  private Future<Void> barrier = Future.succeededFuture();

  Future<Void> submit(String key, Supplier<Future<Void>> task) {
    Future<Void> previous = tails.getOrDefault(key, barrier);
    Future<Void> next = previous.transform(done -> task.get());
    tails.put(key, next);
    next.onComplete(done -> tails.remove(key, next));
    return next;
  }

  Future<Void> submitBarrier(Supplier<Future<Void>> task) {
    List<Future<Void>> before = new ArrayList<>(tails.values());
    before.add(barrier);
    tails.clear();
    barrier = Future.join(before).transform(done -> task.get());
    return barrier;
  }

  /** Tasks submitted and not yet finished, by key (barriers excluded). */
  int inFlight() {
    return tails.size();
  }
}
