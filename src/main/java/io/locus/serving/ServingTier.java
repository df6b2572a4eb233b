package io.locus.serving;

import io.locus.feed.ChangeEvent;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One node's in-memory serving tier: a {@link LayerIndex} per layer it holds, fed by the change
 * feed, with Cassandra as the source of truth. A layer is {@link State#WARMING} from the moment
 * the node subscribes to its changes until the scan of Cassandra has loaded it, then {@link
 * State#WARM}: only then are its queries answered from memory. A layer whose index would pass
 * the memory budget is {@link State#OVER_BUDGET} and keeps the Cassandra path.
 *
 * <p>Threads: one (the feed verticle's) changes the tier and its indexes; query verticles on any
 * thread read it, never waiting for a change ({@link LayerIndex} is lock-free for readers).
 */
public final class ServingTier {
  /** Where a layer stands. */
  public enum State {
    WARMING,
    WARM,
    OVER_BUDGET
  }

  private final long maxBytes;
  private final Map<String, Held> layers = new ConcurrentHashMap<>();
  private volatile boolean stale;

  private static final class Held {
    volatile State state = State.WARMING;
    volatile LayerIndex index;
    /** The index being rebuilt after the feed was lost, fed alongside the one serving. */
    volatile LayerIndex next;
    volatile long warmMillis;

    Held(LayerIndex index) {
      this.index = index;
    }
  }

  public ServingTier(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * The index to answer {@code layer}'s queries from, or null while it is not warm here, or
   * while the tier is {@link #stale}: changes may have been missed then, and Cassandra answers
   * until the layers are reloaded.
   */
  public LayerIndex serving(String layer) {
    Held held = layers.get(layer);
    return !stale && held != null && held.state == State.WARM ? held.index : null;
  }

  /** Whether the node holds {@code layer} in any state (so asking to warm it is pointless). */
  public boolean holds(String layer) {
    return layers.containsKey(layer);
  }

  /** Starts holding {@code layer}: its changes are applied from now on; load the scan into the index returned. */
  public LayerIndex startWarming(String layer) {
    LayerIndex index = new LayerIndex(layer);
    layers.put(layer, new Held(index));
    return index;
  }

  /** Starts rebuilding a held layer into a fresh index, fed alongside the one still serving. */
  public LayerIndex startRebuilding(String layer) {
    Held held = layers.get(layer);
    LayerIndex next = new LayerIndex(layer);
    if (held != null) {
      held.next = next;
    }
    return next;
  }

  /** The scan of {@code layer} into {@code index} has finished: it serves from now on. */
  public void warmed(String layer, LayerIndex index, long tookMillis) {
    Held held = layers.get(layer);
    if (held == null) {
      return;
    }
    held.index = index;
    held.next = null;
    held.warmMillis = tookMillis;
    held.state = State.WARM;
  }

  /** Loading {@code index} failed: a layer that was warming is let go (a later query asks again); a rebuild is dropped. */
  public void abandon(String layer, LayerIndex index) {
    Held held = layers.get(layer);
    if (held == null) {
      return;
    }
    if (held.next == index) {
      held.next = null;
    } else if (held.index == index && held.state == State.WARMING) {
      layers.remove(layer);
    }
  }

  /** {@code layer} does not fit the budget: dropped, and left on the Cassandra path. */
  public void overBudget(String layer) {
    Held held = layers.get(layer);
    if (held != null) {
      held.index = new LayerIndex(layer);
      held.next = null;
      held.state = State.OVER_BUDGET;
    }
  }

  /** Applies one change to the layer it concerns, when the node holds that layer. */
  public void apply(ChangeEvent change) {
    Held held = layers.get(change.layer());
    if (held == null || held.state == State.OVER_BUDGET) {
      return;
    }
    held.index.apply(change);
    LayerIndex next = held.next;
    if (next != null) {
      next.apply(change);
    }
  }

  /** Drops tombstones older than the reordering window from every index. */
  public void prune(long nowMicros) {
    for (Held held : layers.values()) {
      held.index.prune(nowMicros);
      LayerIndex next = held.next;
      if (next != null) {
        next.prune(nowMicros);
      }
    }
  }

  /** Whether the indexes together stay within the memory budget. */
  public boolean withinBudget() {
    return bytes() <= maxBytes;
  }

  /** The estimated bytes of every index held, rebuilds included. */
  public long bytes() {
    long total = 0;
    for (Held held : layers.values()) {
      total += held.index.estimatedBytes();
      LayerIndex next = held.next;
      if (next != null) {
        total += next.estimatedBytes();
      }
    }
    return total;
  }

  /** Records held in memory, over every serving index. */
  public long records() {
    return layers.values().stream().mapToLong(held -> held.index.size()).sum();
  }

  /** The layers held that are not over budget (the ones a rebuild must reload). */
  public List<String> fed() {
    return layers.entrySet().stream().filter(e -> e.getValue().state != State.OVER_BUDGET).map(Map.Entry::getKey).sorted().toList();
  }

  /** How many held layers are in {@code state}. */
  public long count(State state) {
    return layers.values().stream().filter(held -> held.state == state).count();
  }

  /** Whether changes may have been missed (the feed was lost) and the rebuild has not finished. */
  public boolean stale() {
    return stale;
  }

  public void stale(boolean stale) {
    this.stale = stale;
  }

  /** What {@code /health/ready} shows: {@code {"stale":…,"bytes":…,"records":…,"layers":{name: state}}}. */
  public JsonObject describe() {
    JsonObject states = new JsonObject();
    layers.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                states.put(
                    e.getKey(),
                    new JsonObject()
                        .put("state", e.getValue().state.name().toLowerCase(java.util.Locale.ROOT))
                        .put("records", e.getValue().index.size())
                        .put("warmMillis", e.getValue().warmMillis)));
    return new JsonObject()
        .put("stale", stale)
        .put("bytes", bytes())
        .put("maxBytes", maxBytes)
        .put("records", records())
        .put("layers", states);
  }
}
