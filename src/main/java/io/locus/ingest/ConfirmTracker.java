package io.locus.ingest;

import io.locus.common.Failure;
import io.vertx.core.Promise;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;

/**
 * Publisher confirms of one AMQP channel: maps each publish's delivery tag to the promise of its
 * caller and settles them as the broker confirms (possibly many at once, {@code multiple}). A
 * new channel gets a new tracker; the old one is {@link #abandon abandoned}, failing whatever
 * it still holds. Each promise is completed as a task of its own on {@code completions}: one
 * confirm may settle hundreds of publishes, and what each publisher does next (ack its delivery,
 * start the next write) would otherwise all run in the task that read the confirm. Thread-safe:
 * tags are registered on the client's worker thread.
 */
final class ConfirmTracker {
  private final ConcurrentSkipListMap<Long, Promise<Void>> pending = new ConcurrentSkipListMap<>();
  private final Executor completions;
  private volatile boolean abandoned;

  /** A tracker completing its callers' promises on {@code completions}. */
  ConfirmTracker(Executor completions) {
    this.completions = completions;
  }

  void register(long deliveryTag, Promise<Void> confirmed) {
    pending.put(deliveryTag, confirmed);
    // abandon() may have run between a check and the put: re-check after it.
    if (abandoned && pending.remove(deliveryTag) != null) {
      confirmed.tryFail(Failure.unavailable("channel closed before the broker confirmed"));
    }
  }

  void settle(long deliveryTag, boolean multiple, boolean succeeded) {
    if (multiple) {
      ConcurrentNavigableMap<Long, Promise<Void>> settled = pending.headMap(deliveryTag, true);
      for (Map.Entry<Long, Promise<Void>> entry : settled.entrySet()) {
        complete(entry.getValue(), succeeded);
      }
      settled.clear();
    } else {
      Promise<Void> promise = pending.remove(deliveryTag);
      if (promise != null) {
        complete(promise, succeeded);
      }
    }
  }

  void abandon() {
    abandoned = true;
    pending.values().forEach(p -> p.tryFail(Failure.unavailable("connection to the broker lost before it confirmed")));
    pending.clear();
  }

  int size() {
    return pending.size();
  }

  private void complete(Promise<Void> promise, boolean succeeded) {
    if (succeeded) {
      completions.execute(promise::tryComplete);
    } else {
      completions.execute(() -> promise.tryFail(Failure.unavailable("the broker refused the message (nack)")));
    }
  }
}
