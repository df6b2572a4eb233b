package io.locus.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.geometry.S2CellId;
import com.google.common.geometry.S2LatLng;
import io.locus.feed.ChangeEvent;
import io.locus.geo.Cells;
import io.locus.geo.IndexRange;
import io.locus.store.IndexReader.Entry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Drives a {@link LayerIndex} with change events and reads it back through its {@code
 * IndexReader} side only (occupied partitions, then whole-partition scans), as a search does.
 */
@DisplayName("LayerIndex")
class LayerIndexTest {
  private static final String LAYER = "com.example.places";
  private static final long WINDOW = 60_000_000L;
  private static final long T = 1_764_172_800_000_000L;

  private static final double[] SAN_FRANCISCO = {37.7749, -122.4194};
  private static final double[] OAKLAND = {37.8044, -122.2712};
  private static final double[] PARIS = {48.8566, 2.3522};
  /** On cube face 4, as San Francisco: cell ids negative as signed longs. */
  private static final double[] MEXICO_CITY = {19.4326, -99.1332};

  private final LayerIndex index = new LayerIndex(LAYER, WINDOW);

  private static ChangeEvent upsert(String id, long ts, double[] at, String properties) {
    return ChangeEvent.upsert(
        LAYER, id, ts, 0, new ChangeEvent.State(at[0], at[1], "[" + at[1] + "," + at[0] + "]", 1_764_172_800L, properties, 0), null);
  }

  private static ChangeEvent upsert(String id, long ts, double[] at) {
    return upsert(id, ts, at, "{\"v\":" + ts + "}");
  }

  private static ChangeEvent delete(String id, long ts) {
    return ChangeEvent.delete(LAYER, id, ts, 0, null);
  }

  private static long partitionAt(double[] at) {
    return Cells.partitionOf(Cells.leaf(at[0], at[1]));
  }

  private static <T> T now(Future<T> future) {
    assertThat(future.succeeded()).as("completed at once: %s", future.cause()).isTrue();
    return future.result();
  }

  private static List<Long> occupied(LayerIndex index) {
    return now(index.occupiedPartitions(LAYER, Long.MIN_VALUE, Long.MAX_VALUE));
  }

  private static List<Entry> scan(LayerIndex index, long partition) {
    IndexRange whole = Cells.wholePartition(partition);
    List<Entry> entries = new ArrayList<>();
    now(index.scan(LAYER, partition, whole.min(), whole.max(), entries::add));
    return entries;
  }

  /** Every entry, partition by partition. */
  private static List<Entry> all(LayerIndex index) {
    List<Entry> entries = new ArrayList<>();
    for (long partition : occupied(index)) {
      entries.addAll(scan(index, partition));
    }
    return entries;
  }

  private List<Entry> all() {
    return all(index);
  }

  private Entry only() {
    assertThat(all()).hasSize(1);
    return all().get(0);
  }

  @Test
  @DisplayName("an upserted record is read back with every field as the event gave it")
  void upsertIsReadBack() {
    assertThat(index.apply(upsert("p1", T, PARIS, "{\"name\":\"Paris\"}"))).isTrue();

    assertThat(only()).isEqualTo(new Entry("p1", PARIS[0], PARIS[1], "[2.3522,48.8566]", 1_764_172_800L, "{\"name\":\"Paris\"}", 0));
    assertThat(occupied(index)).containsExactly(partitionAt(PARIS));
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a cell is occupied at every level from its face to the record's leaf, and nowhere else")
  void occupiedCells() {
    index.apply(upsert("p1", T, PARIS));
    S2CellId leaf = S2CellId.fromLatLng(S2LatLng.fromDegrees(PARIS[0], PARIS[1]));
    for (int level = 0; level <= S2CellId.MAX_LEVEL; level++) {
      S2CellId cell = leaf.parent(level);
      assertThat(index.occupied(cell)).as("level %d", level).isTrue();
      assertThat(index.occupied(cell.next())).as("the next cell at level %d", level).isFalse();
      assertThat(index.occupied(cell.prev())).as("the previous cell at level %d", level).isFalse();
    }
    S2CellId otherFace = S2CellId.fromLatLng(S2LatLng.fromDegrees(MEXICO_CITY[0], MEXICO_CITY[1])).parent(0);
    assertThat(index.occupied(otherFace)).isFalse();
    index.apply(delete("p1", T + 1));
    assertThat(index.occupied(leaf.parent(0))).isFalse();
  }

  @Test
  @DisplayName("a cell is read whole when it holds at most the number asked, else nothing of it is fed")
  void scanIfAtMost() {
    for (int i = 0; i < 3; i++) {
      index.apply(upsert("p" + i, T, new double[] {PARIS[0] + i * 1e-5, PARIS[1]}));
    }
    index.apply(upsert("far", T, OAKLAND));
    S2CellId city = S2CellId.fromLatLng(S2LatLng.fromDegrees(PARIS[0], PARIS[1])).parent(14);
    List<Entry> buffer = new ArrayList<>();
    List<Entry> fed = new ArrayList<>();

    assertThat(index.scanIfAtMost(city, 2, buffer, fed::add)).isFalse();
    assertThat(fed).isEmpty();
    assertThat(index.scanIfAtMost(city, 3, buffer, fed::add)).isTrue();
    assertThat(fed).extracting(Entry::id).containsExactlyInAnyOrder("p0", "p1", "p2");
    fed.clear();
    assertThat(index.scanIfAtMost(city.next(), 3, buffer, fed::add)).isTrue();
    assertThat(fed).isEmpty();
  }

  @Test
  @DisplayName("a repeated event changes nothing, not even the memory estimate")
  void repeatIsIgnored() {
    index.apply(upsert("p1", T, PARIS));
    List<Entry> before = all();
    long bytes = index.estimatedBytes();

    assertThat(index.apply(upsert("p1", T, PARIS))).isFalse();

    assertThat(all()).isEqualTo(before);
    assertThat(index.estimatedBytes()).isEqualTo(bytes);
  }

  @Test
  @DisplayName("an older upsert arriving after a newer one is ignored, wherever it points")
  void olderAfterNewerIsIgnored() {
    index.apply(upsert("p1", T + 2, PARIS));

    assertThat(index.apply(upsert("p1", T + 1, SAN_FRANCISCO))).isFalse();
    assertThat(index.load(new Entry("p1", 0, 0, "[0,0]", 0, "{}", 0), T)).isFalse();

    assertThat(only().lat()).isEqualTo(PARIS[0]);
    assertThat(occupied(index)).containsExactly(partitionAt(PARIS));
  }

  @Test
  @DisplayName("equal timestamps: an upsert is a repeat and keeps what is there, a delete removes it")
  void equalTimestamps() {
    index.apply(upsert("p1", T, PARIS, "{\"first\":true}"));

    assertThat(index.apply(upsert("p1", T, SAN_FRANCISCO, "{\"second\":true}"))).isFalse();
    assertThat(only().properties()).isEqualTo("{\"first\":true}");

    assertThat(index.apply(delete("p1", T))).isTrue();
    assertThat(all()).isEmpty();
    assertThat(index.apply(upsert("p1", T, PARIS))).as("an upsert as old as the tombstone").isFalse();
  }

  @Test
  @DisplayName("an update without a move replaces the record's state in place")
  void updateInPlace() {
    index.apply(upsert("p1", T, PARIS, "{\"n\":1}"));
    assertThat(index.apply(upsert("p1", T + 1, PARIS, "{\"n\":2}"))).isTrue();

    assertThat(only().properties()).isEqualTo("{\"n\":2}");
    assertThat(index.size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a move to another partition leaves nothing behind in the old one")
  void moveBetweenPartitions() {
    assertThat(partitionAt(SAN_FRANCISCO)).isNotEqualTo(partitionAt(OAKLAND));
    index.apply(upsert("p1", T, SAN_FRANCISCO));
    index.apply(upsert("p2", T, OAKLAND));

    index.apply(upsert("p1", T + 1, OAKLAND));

    assertThat(occupied(index)).containsExactly(partitionAt(OAKLAND));
    assertThat(scan(index, partitionAt(SAN_FRANCISCO))).isEmpty();
    assertThat(scan(index, partitionAt(OAKLAND))).extracting(Entry::id).containsExactly("p1", "p2");
    assertThat(index.size()).isEqualTo(2);
  }

  @Test
  @DisplayName("a move within a partition leaves the record under its new cell only")
  void moveWithinPartition() {
    double[] near = {SAN_FRANCISCO[0] + 0.001, SAN_FRANCISCO[1]};
    assertThat(partitionAt(near)).isEqualTo(partitionAt(SAN_FRANCISCO));
    index.apply(upsert("p1", T, SAN_FRANCISCO));

    index.apply(upsert("p1", T + 1, near));

    long oldCell = Cells.leaf(SAN_FRANCISCO[0], SAN_FRANCISCO[1]);
    List<Entry> atOldCell = new ArrayList<>();
    now(index.scan(LAYER, partitionAt(near), oldCell, oldCell, atOldCell::add));
    assertThat(atOldCell).isEmpty();
    assertThat(only().lat()).isEqualTo(near[0]);
  }

  @Test
  @DisplayName("a delete removes the record and its tombstone refuses older upserts that arrive later")
  void deleteThenOlderUpsert() {
    index.apply(upsert("p1", T, PARIS));

    assertThat(index.apply(delete("p1", T + 10))).isTrue();
    assertThat(all()).isEmpty();
    assertThat(index.size()).isZero();

    assertThat(index.apply(upsert("p1", T + 5, PARIS))).isFalse();
    assertThat(index.load(new Entry("p1", PARIS[0], PARIS[1], "[2.3522,48.8566]", 0, "{}", 0), T + 9)).isFalse();
    assertThat(all()).isEmpty();

    assertThat(index.apply(upsert("p1", T + 11, SAN_FRANCISCO))).as("a newer upsert").isTrue();
    assertThat(only().lat()).isEqualTo(SAN_FRANCISCO[0]);
  }

  @Test
  @DisplayName("a delete older than the record's state is ignored")
  void olderDeleteIsIgnored() {
    index.apply(upsert("p1", T + 10, PARIS));

    assertThat(index.apply(delete("p1", T + 5))).isFalse();

    assertThat(only().id()).isEqualTo("p1");
  }

  @Test
  @DisplayName("a delete that arrives before the record's upsert still keeps the older upsert out")
  void deleteBeforeUpsert() {
    assertThat(index.apply(delete("p1", T + 10))).isTrue();
    assertThat(index.apply(delete("p1", T + 3))).as("an older delete").isFalse();

    assertThat(index.apply(upsert("p1", T, PARIS))).isFalse();
    assertThat(all()).isEmpty();
  }

  @Test
  @DisplayName("a tombstone is kept for the window after its timestamp and dropped by the first prune after it")
  void tombstoneWindow() {
    index.apply(delete("p1", T));

    assertThat(index.prune(T + WINDOW)).isZero();
    assertThat(index.apply(upsert("p1", T - 1, PARIS))).as("within the window").isFalse();

    assertThat(index.prune(T + WINDOW + 1)).isEqualTo(1);
    assertThat(index.apply(upsert("p1", T - 1, PARIS))).as("after the window the tombstone is forgotten").isTrue();
  }

  @Test
  @DisplayName("a purge removes what was written at or before it and stays as a floor for later loads and events")
  void purgeFloor() {
    index.apply(upsert("old", T - 1, PARIS));
    index.apply(upsert("same", T, OAKLAND));
    index.apply(upsert("newer", T + 1, SAN_FRANCISCO));
    index.apply(delete("gone", T - 5));

    assertThat(index.apply(ChangeEvent.purge(LAYER, T, 3))).isTrue();

    assertThat(all()).extracting(Entry::id).containsExactly("newer");
    assertThat(index.apply(ChangeEvent.purge(LAYER, T, 4))).as("the same purge from another shard").isFalse();
    assertThat(index.load(new Entry("old", PARIS[0], PARIS[1], "[2.3522,48.8566]", 0, "{}", 0), T - 1)).isFalse();
    assertThat(index.apply(upsert("same", T, OAKLAND))).isFalse();
    assertThat(index.apply(delete("newer", T))).as("a delete at the floor is covered by the purge").isFalse();
    assertThat(index.apply(upsert("after", T + 2, PARIS))).isTrue();
    assertThat(all()).extracting(Entry::id).containsExactlyInAnyOrder("newer", "after");
    assertThat(index.prune(Long.MAX_VALUE)).as("the purge dropped the older tombstone").isZero();
  }

  @Test
  @DisplayName("any order of a history, repeats included, ends in the state of each record's newest event")
  void anyOrderSameOutcome() {
    Random rnd = new Random(7);
    double[][] places = {SAN_FRANCISCO, OAKLAND, PARIS, MEXICO_CITY, {PARIS[0] + 0.0001, PARIS[1]}};
    for (int trial = 0; trial < 200; trial++) {
      List<ChangeEvent> history = new ArrayList<>();
      Map<String, ChangeEvent> newest = new HashMap<>();
      for (int e = 0; e < 12; e++) {
        String id = "r" + rnd.nextInt(4);
        long ts = T + e;
        ChangeEvent event = rnd.nextInt(4) == 0 ? delete(id, ts) : upsert(id, ts, places[rnd.nextInt(places.length)]);
        history.add(event);
        newest.put(id, event);
      }
      List<ChangeEvent> delivered = new ArrayList<>(history);
      for (int r = rnd.nextInt(4); r > 0; r--) {
        delivered.add(history.get(rnd.nextInt(history.size())));
      }
      Collections.shuffle(delivered, rnd);
      LayerIndex shuffled = new LayerIndex(LAYER, WINDOW);
      delivered.forEach(shuffled::apply);

      List<String> want = new ArrayList<>();
      for (ChangeEvent event : newest.values()) {
        if (event.kind() == ChangeEvent.Kind.UPSERT) {
          want.add(event.id() + "@" + event.state().lat() + "," + event.state().lon() + " " + event.state().properties());
        }
      }
      List<String> got = all(shuffled).stream().map(en -> en.id() + "@" + en.lat() + "," + en.lon() + " " + en.properties()).toList();
      assertThat(got).as("trial %d, delivered %s", trial, delivered).containsExactlyInAnyOrderElementsOf(want);
      assertThat(shuffled.size()).isEqualTo(want.size());
    }
  }

  @Test
  @DisplayName("occupied partitions come ascending in signed order, only from within the bounds")
  void occupiedPartitionsSigned() {
    index.apply(upsert("sf", T, SAN_FRANCISCO));
    index.apply(upsert("mx", T, MEXICO_CITY));
    index.apply(upsert("pa", T, PARIS));
    List<Long> signed = List.of(partitionAt(SAN_FRANCISCO), partitionAt(MEXICO_CITY), partitionAt(PARIS)).stream().sorted().toList();
    assertThat(signed.get(0)).as("faces 4 and 5 are negative").isNegative();
    assertThat(signed.get(2)).isPositive();

    assertThat(occupied(index)).containsExactlyElementsOf(signed);
    assertThat(now(index.occupiedPartitions(LAYER, signed.get(1), signed.get(2)))).containsExactlyElementsOf(signed.subList(1, 3));
    assertThat(now(index.occupiedPartitions(LAYER, signed.get(0) + 1, signed.get(1) - 1))).isEmpty();
    assertThat(now(index.occupiedPartitions(LAYER, signed.get(2), signed.get(0)))).as("first after last").isEmpty();
  }

  @Test
  @DisplayName("a scan feeds its cell range, bounds included, by cell and then by id")
  void scanOrder() {
    double[] east = {PARIS[0], PARIS[1] + 0.0001};
    index.apply(upsert("b", T, PARIS));
    index.apply(upsert("a", T, PARIS));
    index.apply(upsert("c", T, east));
    long cell = Cells.leaf(PARIS[0], PARIS[1]);
    long eastCell = Cells.leaf(east[0], east[1]);
    long partition = partitionAt(PARIS);
    List<String> byCell = Long.compare(cell, eastCell) < 0 ? List.of("a", "b", "c") : List.of("c", "a", "b");

    assertThat(scan(index, partition)).extracting(Entry::id).containsExactlyElementsOf(byCell);
    List<Entry> exact = new ArrayList<>();
    now(index.scan(LAYER, partition, cell, cell, exact::add));
    assertThat(exact).extracting(Entry::id).containsExactly("a", "b");
    List<Entry> none = new ArrayList<>();
    now(index.scan(LAYER, partition, cell, cell - 1, none::add));
    now(index.scan(LAYER, partitionAt(SAN_FRANCISCO), Long.MIN_VALUE, Long.MAX_VALUE, none::add));
    assertThat(none).isEmpty();
  }

  @Test
  @DisplayName("another layer's reads fail and its events are refused")
  void otherLayer() {
    index.apply(upsert("p1", T, PARIS));

    assertThat(index.occupiedPartitions("other", Long.MIN_VALUE, Long.MAX_VALUE).failed()).isTrue();
    assertThat(index.scan("other", partitionAt(PARIS), Long.MIN_VALUE, Long.MAX_VALUE, e -> {}).failed()).isTrue();
    assertThatThrownBy(() -> index.apply(ChangeEvent.purge("other", T + 1, 0))).isInstanceOf(IllegalArgumentException.class);
    assertThat(all()).hasSize(1);
  }

  @Test
  @DisplayName("a sink that throws fails the scan's future instead of throwing")
  void throwingSink() {
    index.apply(upsert("p1", T, PARIS));

    Future<Void> scan = index.scan(LAYER, partitionAt(PARIS), Long.MIN_VALUE, Long.MAX_VALUE, e -> {
      throw new IllegalStateException("sink failed");
    });

    assertThat(scan.failed()).isTrue();
    assertThat(scan.cause()).hasMessage("sink failed");
  }

  @Test
  @DisplayName("the memory estimate grows with each record, follows updates, and returns to the empty figure once all is gone")
  void memoryEstimate() {
    long empty = index.estimatedBytes();
    assertThat(empty).isPositive();
    long previous = empty;
    for (int i = 0; i < 1_000; i++) {
      double[] at = {PARIS[0] + i * 1e-4, PARIS[1] + i * 1e-4};
      index.apply(upsert("record-" + i, T, at, "{\"name\":\"Place number " + i + "\",\"kind\":\"cafe\",\"rank\":" + i + "}"));
      assertThat(index.estimatedBytes()).isGreaterThan(previous);
      previous = index.estimatedBytes();
    }
    long perRecord = (previous - empty) / 1_000;
    assertThat(perRecord).as("bytes per record of ~55 bytes of properties").isBetween(300L, 500L);
    assertThat(index.size()).isEqualTo(1_000);

    long before = index.estimatedBytes();
    index.apply(upsert("record-0", T + 1, PARIS, "{\"name\":\"" + "x".repeat(1_000) + "\"}"));
    assertThat(index.estimatedBytes()).isGreaterThan(before + 900);
    index.apply(upsert("record-0", T + 2, new double[] {PARIS[0] + 1e-4, PARIS[1] + 1e-4}, "{}"));
    assertThat(index.estimatedBytes()).isLessThan(before);

    for (int i = 0; i < 500; i++) {
      index.apply(delete("record-" + i, T + 3));
    }
    assertThat(index.size()).isEqualTo(500);
    assertThat(index.estimatedBytes()).isLessThan(previous);
    index.apply(ChangeEvent.purge(LAYER, T + 4, 0));
    index.prune(T + 4 + WINDOW + 1);

    assertThat(index.size()).isZero();
    assertThat(all()).isEmpty();
    assertThat(index.estimatedBytes()).isEqualTo(empty);
  }

  @Test
  @DisplayName("readers scanning while one thread moves records never fail, get ordered whole entries, and see every still record once")
  void concurrentReaders() throws InterruptedException {
    double[][] spots = {SAN_FRANCISCO, OAKLAND, {SAN_FRANCISCO[0] + 0.01, SAN_FRANCISCO[1] + 0.01}, {OAKLAND[0] - 0.01, OAKLAND[1]}};
    Random rnd = new Random(11);
    Set<String> still = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      double[] base = spots[i % spots.length];
      index.apply(upsert("still-" + i, T, new double[] {base[0] + rnd.nextDouble() * 1e-3, base[1] + rnd.nextDouble() * 1e-3}));
      still.add("still-" + i);
    }
    int movers = 100;
    for (int i = 0; i < movers; i++) {
      index.apply(upsert("mover-" + i, T, spots[i % spots.length]));
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    ConcurrentLinkedQueue<Throwable> problems = new ConcurrentLinkedQueue<>();
    AtomicInteger passes = new AtomicInteger();
    Runnable reader = () -> {
      try {
        while (writing.get() || passes.get() < 3) {
          Map<String, Integer> seenStill = new HashMap<>();
          for (long partition : occupied(index)) {
            Entry last = null;
            long lastCell = 0;
            for (Entry entry : scan(index, partition)) {
              long cell = Cells.leaf(entry.lat(), entry.lon());
              assertThat(entry.coordinates()).as("a whole entry").isEqualTo("[" + entry.lon() + "," + entry.lat() + "]");
              assertThat(Cells.partitionOf(cell)).isEqualTo(partition);
              if (last != null) {
                assertThat(lastCell < cell || (lastCell == cell && last.id().compareTo(entry.id()) < 0))
                    .as("%s after %s", entry, last)
                    .isTrue();
              }
              last = entry;
              lastCell = cell;
              if (entry.id().startsWith("still-")) {
                seenStill.merge(entry.id(), 1, Integer::sum);
              }
            }
          }
          assertThat(seenStill.keySet()).isEqualTo(still);
          assertThat(seenStill.values()).containsOnly(1);
          passes.incrementAndGet();
        }
      } catch (Throwable failure) {
        problems.add(failure);
      }
    };
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread thread = new Thread(reader, "reader-" + r);
      readers.add(thread);
      thread.start();
    }
    try {
      for (int step = 1; step <= 20_000 && problems.isEmpty(); step++) {
        double[] base = spots[rnd.nextInt(spots.length)];
        index.apply(upsert("mover-" + rnd.nextInt(movers), T + step, new double[] {base[0] + rnd.nextDouble() * 1e-3, base[1]}));
      }
    } finally {
      writing.set(false);
    }
    for (Thread thread : readers) {
      thread.join(30_000);
    }

    assertThat(problems).isEmpty();
    assertThat(passes.get()).isGreaterThanOrEqualTo(3);
    assertThat(index.size()).isEqualTo(300 + movers);
    assertThat(all()).hasSize(300 + movers);
  }

  @Test
  @DisplayName("a record whose expires has come is skipped by get and scans at once, and its expire change removes it like a delete")
  void expiredRecords() {
    long past = System.currentTimeMillis() / 1000 - 1;
    long future = System.currentTimeMillis() / 1000 + 3600;
    assertThat(index.load(new Entry("gone", PARIS[0], PARIS[1], "[2.3522,48.8566]", 1L, "{}", past), T)).isTrue();
    assertThat(index.load(new Entry("later", PARIS[0], PARIS[1] + 0.001, "[2.3532,48.8566]", 1L, "{}", future), T)).isTrue();
    assertThat(index.get("gone")).isNull();
    assertThat(index.get("later").expires()).isEqualTo(future);
    assertThat(all()).extracting(Entry::id).containsExactly("later");
    List<Entry> buffer = new ArrayList<>();
    List<Entry> fed = new ArrayList<>();
    assertThat(index.scanIfAtMost(S2CellId.fromLatLng(S2LatLng.fromDegrees(PARIS[0], PARIS[1])).parent(10), 1, buffer, fed::add)).isTrue();
    assertThat(fed).extracting(Entry::id).containsExactly("later");

    assertThat(index.apply(ChangeEvent.expire(LAYER, "later", T, 0, null))).as("an expiry at the state's own timestamp").isTrue();
    assertThat(index.get("later")).isNull();
    assertThat(index.apply(upsert("later", T, PARIS))).as("the expired state arriving again").isFalse();
  }
}
