package io.locus.ingest;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Which layers a writer knows to exist, so that it need not read the layer before every write.
 * A layer found is taken as existing for {@link #FRESH_MS}; a layer not found, or a failed
 * lookup, is looked up again next time; operations that ask while a lookup is under way share
 * it; a layer purge forgets the layer at once. Not
 * thread-safe: use it from one event-loop context.
 */
final class LayerCache {
  static final long FRESH_MS = 2_000;

  private final Function<String, Future<Boolean>> lookup;
  private final LongSupplier clock;
  private final Map<String, Long> knownUntil = new HashMap<>();
  /** Lookups under way: the operations that ask meanwhile share them. */
  private final Map<String, Future<Boolean>> asking = new HashMap<>();

  /**
   * @param lookup whether the layer exists now, asked of the store
   * @param clock epoch milliseconds
   */
  LayerCache(Function<String, Future<Boolean>> lookup, LongSupplier clock) {
    this.lookup = lookup;
    this.clock = clock;
  }

  Future<Boolean> exists(String layer) {
    Long until = knownUntil.get(layer);
    if (until != null && until > clock.getAsLong()) {
      return Future.succeededFuture(true);
    }
    Future<Boolean> pending = asking.get(layer);
    if (pending != null) {
      return pending;
    }
    Future<Boolean> asked =
        lookup
            .apply(layer)
            .map(
                found -> {
                  if (found) {
                    knownUntil.put(layer, clock.getAsLong() + FRESH_MS);
                  }
                  return found;
                })
            .onComplete(done -> asking.remove(layer));
    if (!asked.isComplete()) {
      asking.put(layer, asked);
    }
    return asked;
  }

  void forget(String layer) {
    knownUntil.remove(layer);
    asking.remove(layer);
  }
}
