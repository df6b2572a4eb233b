package io.locus.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What a writer knows of its shards' records without asking Cassandra: the state it last wrote
 * of each live record, so that the next operation on the record skips the read before its write.
 * The writer may trust it because it is the single active consumer of the shard: nobody else
 * writes the shard's records while it holds the queue. So the knowledge of a shard is dropped
 * ({@link #dropShard}) whenever the writer may have lost the queue (it re-subscribed, its
 * connection was replaced, a layer purge ran through it); an entry stored by an operation that
 * started before the drop is never used (each entry carries the shard's epoch of its start).
 *
 * <p>It also knows which index partitions of a layer it has marked occupied ({@code
 * layer_partitions}, one Cassandra partition per layer that every new record would otherwise
 * write again); only a layer purge empties that list, and the purge forgets them ({@link
 * #forgetPartitions}).
 *
 * <p>Bounded: at most {@code perShard} records a shard, the least recently used forgotten first
 * (about 150 bytes an entry). Deleted records are not kept (a delete marker lives 7 days in
 * Cassandra, which a cache entry would outlive), nor a state past its {@code expires}
 * (Cassandra's TTL drops it). {@link #dropShard} and {@link #dropAll} may be called from any
 * thread; the rest from the writer's event loop.
 */
final class KnownStates {
  private final int perShard;
  private final AtomicLongArray epochs;
  private final List<Map<String, Known>> shards = new ArrayList<>();
  private final Map<String, Map<Long, Boolean>> partitions = new HashMap<>();

  /** A known state and the epoch of its shard when the operation that wrote it started. */
  private record Known(long epoch, RecordState state) {}

  KnownStates(int shardCount, int perShard) {
    this.perShard = perShard;
    this.epochs = new AtomicLongArray(shardCount);
    for (int shard = 0; shard < shardCount; shard++) {
      shards.add(
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
              return size() > KnownStates.this.perShard;
            }
          });
    }
  }

  /** The shard's epoch now: to pass to {@link #remember} once the operation starting now is written. */
  long epoch(int shard) {
    return epochs.get(shard);
  }

  /**
   * The record's state as the writer last wrote it, or null when not known: never written here,
   * forgotten, deleted, past its {@code expires} at {@code nowSeconds}, or from before a drop.
   */
  RecordState get(int shard, String layer, String id, long nowSeconds) {
    Known known = shards.get(shard).get(key(layer, id));
    if (known == null || known.epoch != epochs.get(shard) || (known.state.expires() > 0 && known.state.expires() <= nowSeconds)) {
      return null;
    }
    return known.state;
  }

  /** The record's state after an operation that started at {@code epoch} wrote it; a deleted state is forgotten. */
  void remember(int shard, long epoch, String layer, String id, RecordState state) {
    if (state.deleted()) {
      forget(shard, layer, id);
    } else {
      shards.get(shard).put(key(layer, id), new Known(epoch, state));
    }
  }

  /** Forgets one record: an operation on it failed, and what Cassandra holds is not known. */
  void forget(int shard, String layer, String id) {
    shards.get(shard).remove(key(layer, id));
  }

  /** Forgets every record of a shard: this writer may no longer be, or have been, its only writer. */
  void dropShard(int shard) {
    epochs.incrementAndGet(shard);
  }

  /** Forgets every record of every shard. */
  void dropAll() {
    for (int shard = 0; shard < epochs.length(); shard++) {
      dropShard(shard);
    }
  }

  /** Whether this writer marked {@code partition} of {@code layer} occupied since the layer's last purge. */
  boolean partitionMarked(String layer, long partition) {
    Map<Long, Boolean> marked = partitions.get(layer);
    return marked != null && marked.containsKey(partition);
  }

  /** {@code partition} of {@code layer} is marked occupied in Cassandra. */
  void partitionWasMarked(String layer, long partition) {
    partitions
        .computeIfAbsent(
            layer,
            any ->
                new LinkedHashMap<>(16, 0.75f, true) {
                  @Override
                  protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                    return size() > KnownStates.this.perShard;
                  }
                })
        .put(partition, Boolean.TRUE);
  }

  /** Forgets the partitions marked in {@code layer}: a purge unmarks them all. */
  void forgetPartitions(String layer) {
    partitions.remove(layer);
  }

  /** Records known in {@code shard} (entries from before a drop included until evicted). */
  int size(int shard) {
    return shards.get(shard).size();
  }

  private static String key(String layer, String id) {
    return layer + '\n' + id;
  }
}
