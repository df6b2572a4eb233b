package io.locus.serving;

import com.google.common.geometry.S2CellId;
import io.locus.common.Times;
import io.locus.feed.ChangeEvent;
import io.locus.geo.Cells;
import io.locus.store.IndexReader;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;
import java.util.function.LongPredicate;

/**
 * One layer's records in memory, shaped like {@code records_by_cell}: index partitions (the
 * level-{@value Cells#PARTITION_LEVEL} cells, in signed order as Cassandra compares bigints),
 * each an ordered map from (leaf cell, id) to the record's {@link IndexReader.Entry}. An entry
 * holds all an answer needs (position, exact coordinates text, created, properties JSON as
 * stored), so a search over this index touches no other store.
 *
 * <p>A record whose {@code expires} has come is skipped by every read at once; its {@code
 * expire} change removes it later, when the writer's sweep gets to it.
 *
 * <p>Changes come from the change feed ({@link #apply}) and from the warm-up scan of Cassandra
 * ({@link #load}), in any order and any number of times: the newest write timestamp wins. An
 * older or equal one is a repeat and changes nothing; a delete leaves a tombstone so that an
 * older upsert arriving after it is not resurrected, for as long as the tombstone window (see
 * {@link #prune}); a purge removes everything written at or before it and stays as a floor below
 * which nothing is accepted. On equal timestamps a delete wins over an upsert, as in Cassandra.
 *
 * <h2>Threads</h2>
 *
 * <p>One thread at a time changes the index ({@link #apply}, {@link #load}, {@link #prune}):
 * the caller serialises them, e.g. on one Vert.x context. Any number of threads may read at the
 * same time ({@link #occupiedPartitions}, {@link #scan}, {@link #size}, {@link
 * #estimatedBytes}); readers take no lock and never wait for the writer (the maps are {@code
 * java.util.concurrent} lock-free structures). A change is visible to every read that starts
 * after the change returned. A read that overlaps changes is weakly consistent:
 *
 * <ul>
 *   <li>a scan feeds entries in strictly ascending (leaf cell, id) order, so never the same
 *       (cell, id) twice, and each entry is a state the record really had (entries are
 *       immutable and replaced whole, never a mix of two writes);
 *   <li>a record that stays unchanged throughout a scan is fed exactly once if its cell lies in
 *       the scanned range, a record that is absent throughout never;
 *   <li>a record changed during a scan may be fed in its old state or its new one; one that
 *       moves within the scanned range may be fed at both positions (one entry each) or at
 *       neither ({@code SpatialSearch} keeps at most one entry per id);
 *   <li>{@link #occupiedPartitions} lists every partition occupied throughout the call and none
 *       empty throughout; one that fills or empties meanwhile may be listed or not.
 * </ul>
 *
 * <p>Memory: {@link #estimatedBytes} is kept up to date with each change, counting every object
 * the index holds (records, their strings, tombstones, map nodes and partitions) as 64-bit
 * HotSpot with compressed oops lays them out.
 */
public final class LayerIndex implements IndexReader {
  /** How long a tombstone is kept by default: ten minutes, in microseconds. */
  public static final long DEFAULT_TOMBSTONE_WINDOW_MICROS = 10 * 60 * 1_000_000L;

  /** Below every valid record id: the lower bound of a scan within a cell. */
  private static final String BEFORE_EVERY_ID = "";

  private final String layer;
  private final long tombstoneWindowMicros;
  /** The live records by id; the writer's. */
  private final ConcurrentHashMap<String, Live> records = new ConcurrentHashMap<>();
  /** Deleted ids and their delete timestamps, until pruned; the writer's. */
  private final ConcurrentHashMap<String, Long> tombstones = new ConcurrentHashMap<>();
  /** The occupied partitions, each holding its records by (cell, id); what readers read. */
  private final ConcurrentSkipListMap<Long, ConcurrentSkipListMap<Live, Entry>> partitions = new ConcurrentSkipListMap<>();
  /** The newest purge: nothing at or before it is accepted; the writer's. */
  private long floor = Long.MIN_VALUE;
  /** Written by the writer only, read by anyone. */
  private volatile long bytes = Footprint.EMPTY_INDEX;

  /** An index of {@code layer} that keeps tombstones {@link #DEFAULT_TOMBSTONE_WINDOW_MICROS}. */
  public LayerIndex(String layer) {
    this(layer, DEFAULT_TOMBSTONE_WINDOW_MICROS);
  }

  /**
   * An index of {@code layer} whose tombstones {@link #prune} drops once older than {@code
   * tombstoneWindowMicros}: the longest the feed may deliver an upsert after a newer delete.
   */
  public LayerIndex(String layer, long tombstoneWindowMicros) {
    if (tombstoneWindowMicros < 0) {
      throw new IllegalArgumentException("tombstone window is negative: " + tombstoneWindowMicros);
    }
    this.layer = layer;
    this.tombstoneWindowMicros = tombstoneWindowMicros;
  }

  /**
   * A live record: its key in a partition map is (cell, id), both final; {@code ts} and {@code
   * entry} are the writer's, updated in place when the record changes without moving (the map
   * then keeps this key and takes the new entry as its value, which is what readers read).
   */
  private static final class Live implements Comparable<Live> {
    final long cell;
    final String id;
    long ts;
    /** Volatile: {@link #get} reads it from any thread. */
    volatile Entry entry;

    Live(long cell, String id, long ts, Entry entry) {
      this.cell = cell;
      this.id = id;
      this.ts = ts;
      this.entry = entry;
    }

    /** Signed cell order, as Cassandra's bigint, then id order (ids are ASCII, so as Cassandra's text). */
    @Override
    public int compareTo(Live other) {
      int byCell = Long.compare(cell, other.cell);
      return byCell != 0 ? byCell : id.compareTo(other.id);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading

  /** The partitions in [first, last] (signed) holding at least one record, ascending. */
  @Override
  public Future<List<Long>> occupiedPartitions(String layer, long first, long last) {
    if (!this.layer.equals(layer)) {
      return Future.failedFuture(wrongLayer(layer));
    }
    List<Long> occupied = new ArrayList<>();
    if (first <= last) {
      for (Map.Entry<Long, ConcurrentSkipListMap<Live, Entry>> partition : partitions.subMap(first, true, last, true).entrySet()) {
        if (!partition.getValue().isEmpty()) {
          occupied.add(partition.getKey());
        }
      }
    }
    return Future.succeededFuture(occupied);
  }

  /**
   * Feeds the entries of {@code partition} whose leaf cell lies in [min, max] (signed) to {@code
   * sink}, by cell then id, on the calling thread before returning; the future fails if the sink
   * throws.
   */
  @Override
  public Future<Void> scan(String layer, long partition, long min, long max, Consumer<Entry> sink) {
    if (!this.layer.equals(layer)) {
      return Future.failedFuture(wrongLayer(layer));
    }
    ConcurrentSkipListMap<Live, Entry> cells = partitions.get(partition);
    if (cells == null || min > max) {
      return Future.succeededFuture();
    }
    long now = Times.nowSeconds();
    try {
      for (Map.Entry<Live, Entry> record : cells.tailMap(new Live(min, BEFORE_EVERY_ID, 0, null)).entrySet()) {
        if (record.getKey().cell > max) {
          break;
        }
        if (!record.getValue().expiredBy(now)) {
          sink.accept(record.getValue());
        }
      }
    } catch (RuntimeException failed) {
      return Future.failedFuture(failed);
    }
    return Future.succeededFuture();
  }

  /** Whether a record lies in {@code cell} (any level), as {@link #occupiedPartitions} tells of partitions. */
  public boolean occupied(S2CellId cell) {
    if (cell.level() < Cells.PARTITION_LEVEL) {
      long first = cell.rangeMin().parent(Cells.PARTITION_LEVEL).id();
      long last = cell.rangeMax().parent(Cells.PARTITION_LEVEL).id();
      Long found = partitions.ceilingKey(first);
      return found != null && found <= last;
    }
    ConcurrentSkipListMap<Live, Entry> cells = partitions.get(cell.parent(Cells.PARTITION_LEVEL).id());
    if (cells == null) {
      return false;
    }
    Live first = cells.ceilingKey(new Live(cell.rangeMin().id(), BEFORE_EVERY_ID, 0, null));
    return first != null && first.cell <= cell.rangeMax().id();
  }

  /**
   * Feeds the records of {@code cell} (at or below the partition level) to {@code sink}, as
   * {@link #scan} does, if it holds no more than {@code most}; returns false, having fed
   * nothing, when it holds more. {@code buffer} is scratch space, cleared first.
   */
  public boolean scanIfAtMost(S2CellId cell, int most, List<Entry> buffer, Consumer<Entry> sink) {
    buffer.clear();
    ConcurrentSkipListMap<Live, Entry> cells = partitions.get(cell.parent(Cells.PARTITION_LEVEL).id());
    if (cells == null) {
      return true;
    }
    long max = cell.rangeMax().id();
    long now = Times.nowSeconds();
    for (Map.Entry<Live, Entry> record : cells.tailMap(new Live(cell.rangeMin().id(), BEFORE_EVERY_ID, 0, null)).entrySet()) {
      if (record.getKey().cell > max) {
        break;
      }
      if (record.getValue().expiredBy(now)) {
        continue;
      }
      if (buffer.size() == most) {
        return false;
      }
      buffer.add(record.getValue());
    }
    buffer.forEach(sink);
    return true;
  }

  /** The record {@code id} as it stands, or null when the index does not hold it or it has expired. */
  public Entry get(String id) {
    Live live = records.get(id);
    Entry entry = live == null ? null : live.entry;
    return entry == null || entry.expiredBy(Times.nowSeconds()) ? null : entry;
  }

  /** How many live records the index holds. */
  public int size() {
    return records.size();
  }

  /** The estimated heap the index takes, in bytes: its records, tombstones and partitions. */
  public long estimatedBytes() {
    return bytes;
  }

  private IllegalArgumentException wrongLayer(String asked) {
    return new IllegalArgumentException("this index holds layer " + layer + ", not " + asked);
  }

  // ---------------------------------------------------------------------------------------------
  // Changing (one thread at a time)

  /**
   * Applies one change-feed event of this layer; returns whether it changed the index (false
   * for a repeat or an event older than what the index knows). Throws {@link
   * IllegalArgumentException} for another layer's event.
   */
  public boolean apply(ChangeEvent event) {
    if (!layer.equals(event.layer())) {
      throw wrongLayer(event.layer());
    }
    return switch (event.kind()) {
      case UPSERT -> {
        ChangeEvent.State state = event.state();
        yield upsert(
            new Entry(event.id(), state.lat(), state.lon(), state.coordinates(), state.created(), state.properties(), state.expires()),
            event.ts());
      }
      case DELETE, EXPIRE -> delete(event.id(), event.ts());
      case PURGE -> purge(event.ts());
      case ENTER, EXIT, INSIDE, OUTSIDE, CROSS -> false; // fence events change no record
    };
  }

  /**
   * Loads a record read from Cassandra (the warm-up scan) with its write timestamp {@code ts}:
   * an upsert like the feed's, so a row read after a newer event changes nothing. Returns
   * whether it changed the index.
   */
  public boolean load(Entry entry, long ts) {
    return upsert(entry, ts);
  }

  /**
   * Drops the tombstones older than the window before {@code nowMicros}; an upsert older than a
   * dropped tombstone would be accepted again. Returns how many were dropped.
   */
  public int prune(long nowMicros) {
    long before = nowMicros - tombstoneWindowMicros;
    return dropTombstones(ts -> ts < before);
  }

  private boolean upsert(Entry entry, long ts) {
    String id = entry.id();
    Live current = records.get(id);
    Long deleted = current == null ? tombstones.get(id) : null;
    if (ts <= floor || (current != null && ts <= current.ts) || (deleted != null && ts <= deleted)) {
      return false;
    }
    if (deleted != null) {
      tombstones.remove(id);
      bytes -= Footprint.tombstone(id);
    }
    long cell = Cells.leaf(entry.lat(), entry.lon());
    if (current == null) {
      index(new Live(cell, id, ts, entry));
      return true;
    }
    // The id string is kept once: the one the record was first stored under.
    Entry stored = entry.id() == current.id ? entry : withId(entry, current.id);
    if (cell == current.cell) {
      bytes += Footprint.entry(stored) - Footprint.entry(current.entry);
      current.ts = ts;
      current.entry = stored;
      partitions.get(Cells.partitionOf(cell)).put(current, stored);
    } else {
      // Added at the new cell before leaving the old one.
      index(new Live(cell, current.id, ts, stored));
      unindex(current);
    }
    return true;
  }

  private static Entry withId(Entry entry, String id) {
    return new Entry(id, entry.lat(), entry.lon(), entry.coordinates(), entry.created(), entry.properties(), entry.expires());
  }

  private boolean delete(String id, long ts) {
    Live current = records.get(id);
    Long deleted = current == null ? tombstones.get(id) : null;
    if (ts <= floor || (current != null && ts < current.ts) || (deleted != null && ts <= deleted)) {
      return false;
    }
    if (current != null) {
      records.remove(id);
      unindex(current);
    }
    if (deleted == null) {
      bytes += Footprint.tombstone(id);
    }
    tombstones.put(id, ts);
    return true;
  }

  private boolean purge(long ts) {
    if (ts <= floor) {
      return false;
    }
    floor = ts;
    for (Live live : records.values()) {
      if (live.ts <= ts) {
        records.remove(live.id);
        unindex(live);
      }
    }
    dropTombstones(deleted -> deleted <= ts);
    return true;
  }

  private int dropTombstones(LongPredicate drop) {
    int dropped = 0;
    for (Map.Entry<String, Long> tombstone : tombstones.entrySet()) {
      if (drop.test(tombstone.getValue())) {
        tombstones.remove(tombstone.getKey());
        bytes -= Footprint.tombstone(tombstone.getKey());
        dropped++;
      }
    }
    return dropped;
  }

  /** Adds {@code live} to its partition (creating it) and as the record of its id. */
  private void index(Live live) {
    long partition = Cells.partitionOf(live.cell);
    ConcurrentSkipListMap<Live, Entry> cells = partitions.get(partition);
    if (cells == null) {
      cells = new ConcurrentSkipListMap<>();
      partitions.put(partition, cells);
      bytes += Footprint.PARTITION;
    }
    cells.put(live, live.entry);
    records.put(live.id, live);
    bytes += Footprint.record(live.id, live.entry);
  }

  /**
   * Removes {@code live} from its partition, dropping the partition once empty; the caller
   * removes it from {@link #records} or has replaced it there.
   */
  private void unindex(Live live) {
    long partition = Cells.partitionOf(live.cell);
    ConcurrentSkipListMap<Live, Entry> cells = partitions.get(partition);
    cells.remove(live);
    if (cells.isEmpty()) {
      partitions.remove(partition);
      bytes -= Footprint.PARTITION;
    }
    bytes -= Footprint.record(live.id, live.entry);
  }
}
