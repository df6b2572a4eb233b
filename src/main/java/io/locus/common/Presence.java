package io.locus.common;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One member's presence in a cluster-wide map (Hazelcast's in a cluster, the node's own
 * otherwise): an entry with a time-to-live, renewed every {@link #BEAT_MS}. A member that stops
 * removes its entry; one that dies drops out within {@link #TTL_MS}. After each beat the member
 * is told every member present, sorted, itself included.
 */
public final class Presence {
  /** How often a member renews its entry. */
  public static final long BEAT_MS = 2_000;
  /** How long an entry outlives its last renewal. */
  public static final long TTL_MS = 6_000;

  private final Vertx vertx;
  private final String map;
  private final String me;
  private final Consumer<List<String>> onBeat;
  private long timer = -1;

  /** {@code me} in {@code map}; {@code onBeat} is told the members after each beat. */
  public Presence(Vertx vertx, String map, String me, Consumer<List<String>> onBeat) {
    this.vertx = vertx;
    this.map = map;
    this.me = me;
    this.onBeat = onBeat;
  }

  /** Announces the member now and every {@link #BEAT_MS}. */
  public void start() {
    beat();
    timer = vertx.setPeriodic(BEAT_MS, t -> beat());
  }

  /** Stops renewing and removes the member's entry. */
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return entries(vertx, map).compose(entries -> entries.remove(me)).mapEmpty();
  }

  /** The members present in {@code map}, sorted. */
  public static Future<List<String>> members(Vertx vertx, String map) {
    return entries(vertx, map).compose(AsyncMap::keys).map(keys -> List.copyOf(new TreeSet<>(keys)));
  }

  private void beat() {
    entries(vertx, map)
        .compose(entries -> entries.put(me, System.currentTimeMillis(), TTL_MS))
        .compose(v -> members(vertx, map))
        .onSuccess(onBeat::accept);
  }

  private static Future<AsyncMap<String, Long>> entries(Vertx vertx, String map) {
    return vertx.sharedData().getAsyncMap(map);
  }
}
