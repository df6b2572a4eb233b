package io.locus.ingest;

import io.locus.common.Presence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Spreads the shard queues over the writers. Every writer subscribes to every shard queue; the
 * broker's single-active-consumer makes the oldest subscription of each queue the active one,
 * so without help the first writer would apply every shard and writers added later would idle.
 * Each writer announces itself in a cluster-wide map ({@link Presence}); all of them read the same sorted list of writers, and shard {@code s}
 * is preferred by writer {@code s mod n}. When the list changes, a writer re-subscribes to the
 * shards it does not prefer, which puts it behind the preferring writer in each queue's line.
 * A writer that dies drops out of the list within {@link Presence#TTL_MS}; the broker has already
 * handed its queues to the next writer in line.
 */
final class ShardBalancer {
  private static final String MAP = "locus.writers";

  private final String me;
  private final int shards;
  private final Consumer<Set<Integer>> onChange;
  private final Presence presence;
  private Set<Integer> preferred;

  /**
   * @param onChange told the shards this writer prefers whenever they change (first call: after
   *     the first beat)
   */
  ShardBalancer(Vertx vertx, String me, int shards, Consumer<Set<Integer>> onChange) {
    this.me = me;
    this.shards = shards;
    this.onChange = onChange;
    this.presence = new Presence(vertx, MAP, me, this::writersNow);
  }

  void start() {
    presence.start();
  }

  Future<Void> stop() {
    return presence.stop();
  }

  private void writersNow(List<String> writers) {
    Set<Integer> now = preferred(writers, me, shards);
    if (!now.equals(preferred)) {
      preferred = now;
      onChange.accept(now);
    }
  }

  /** The shards {@code me} prefers among {@code writers}: shard s goes to the (s mod n)-th, sorted. */
  static Set<Integer> preferred(List<String> writers, String me, int shards) {
    List<String> sorted = new ArrayList<>(new TreeSet<>(writers));
    int index = sorted.indexOf(me);
    Set<Integer> mine = new TreeSet<>();
    for (int shard = 0; index >= 0 && shard < shards; shard++) {
      if (shard % sorted.size() == index) {
        mine.add(shard);
      }
    }
    return mine;
  }
}
