package io.locus.query;

import io.locus.serving.LayerIndex;
import io.locus.store.IndexReader;
import com.google.common.geometry.S2Cap;
import com.google.common.geometry.S2Cell;
import com.google.common.geometry.S2CellId;
import com.google.common.geometry.S2Point;
import io.locus.geo.Cells;
import io.locus.geo.Earth;
import io.locus.geo.IndexRange;
import io.locus.geo.SearchArea;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs a spatial search over the index: covers the area with S2 cells, reads the matching cell
 * ranges (in parallel, a bounded number at a time), filters every candidate exactly, and keeps
 * only the best {@code limit + 1} in a bounded heap, so memory does not grow with the data.
 *
 * <p>Nearest-first searches in a circle expand: they read the index within 1 km first and stop
 * as soon as the page is full with records no farther than the ground already read. Otherwise
 * the next radius is guessed from the density seen so far (the radius that should hold the page
 * with some margin, at least {@link #GROWTH} times wider), up to the search radius. Dense places
 * therefore cost the same whatever the radius; k-nearest (no radius) is the same search with
 * the radius of the whole Earth. Each step reads only what the previous ones did not (cells
 * wholly inside the ground already read are skipped), nearest ranges first, and stops as soon as
 * the page is full with records nearer than anything the unread ranges could hold. Other orders
 * and areas read the whole area once.
 */
public final class SpatialSearch {
  static final double FIRST_RADIUS_M = 1_000;
  static final int GROWTH = 4;
  static final int PARALLEL_READS = 16;

  private static final Comparator<Candidate> ORDER =
      Comparator.comparingDouble(Candidate::key).thenComparing(Candidate::id);

  private final IndexReader index;
  /** The index when it is a serving tier's, searched nearest-first by {@link NearestFirst}; else null. */
  private final LayerIndex memory;

  /**
   * A search of {@code index}. A {@link LayerIndex} (memory) is searched for the nearest records
   * by {@link NearestFirst}; any other index (Cassandra) by expanding circles, as above.
   */
  public SpatialSearch(IndexReader index) {
    this.index = index;
    this.memory = index instanceof LayerIndex layerIndex ? layerIndex : null;
  }

  /** One record of a page and its distance in metres from the search's centre. */
  public record Hit(IndexReader.Entry entry, double distance) {}

  /** One page of results: records (with {@code distance}) and the cursor of the next page. */
  public record Page(List<Hit> hits, String nextCursor) {
    /** The page's records as the query verticle answers them: id, coordinates, created, properties, distance. */
    public JsonArray records() {
      JsonArray records = new JsonArray();
      for (Hit hit : hits) {
        IndexReader.Entry entry = hit.entry();
        records.add(entry.toRow().put("distance", hit.distance()));
      }
      return records;
    }
  }

  public Future<Page> run(SearchCriteria criteria) {
    return run(criteria, Long.MAX_VALUE);
  }

  /**
   * Runs the search over an in-memory index on the calling thread, unless that would take more
   * than {@code maxRecords} records out of the index: then returns null, having changed nothing,
   * so that the caller can hand the search to a thread that may take longer. Failures (a bad
   * cursor) are thrown.
   */
  public Page runHere(SearchCriteria criteria, long maxRecords) {
    if (memory == null) {
      throw new IllegalStateException("only an in-memory index is searched on the calling thread");
    }
    Future<Page> page = run(criteria, maxRecords);
    if (page.succeeded()) {
      return page.result();
    }
    if (page.cause() instanceof OverBudget) {
      return null;
    }
    throw page.cause() instanceof RuntimeException unchecked ? unchecked : new IllegalStateException(page.cause());
  }

  private Future<Page> run(SearchCriteria criteria, long maxRecords) {
    SearchArea area = criteria.searchArea();
    int fingerprint = criteria.fingerprint();
    SearchCursor after = criteria.cursor() == null ? null : SearchCursor.decode(criteria.cursor(), fingerprint);
    Collector collector = new Collector(criteria, area, after, maxRecords);
    Future<Void> done;
    try {
      if (criteria.order() == SearchOrder.DISTANCE && area instanceof SearchArea.Circle circle) {
        if (memory != null) {
          NearestFirst.search(memory, circle.center(), circle.radiusM(), alreadyPaged(circle, after), collector);
          done = Future.succeededFuture();
        } else {
          done = expand(criteria.layer(), circle, after, collector, after == null ? FIRST_RADIUS_M : Math.max(FIRST_RADIUS_M, after.key()), 0);
        }
      } else {
        done = scan(criteria.layer(), Cells.ranges(area.region(), cell -> false), cell -> false, collector, false);
      }
    } catch (OverBudget over) {
      done = Future.failedFuture(over);
    }
    return done.map(v -> collector.page(fingerprint));
  }

  /** Thrown by a collector offered more records than its budget. */
  private static final class OverBudget extends RuntimeException {
    OverBudget() {
      super("more records than the budget", null, false, false);
    }
  }

  /** Reads the circle out to {@code radius}, skipping what lies within {@code readRadius}, read before. */
  private Future<Void> expand(
      String layer, SearchArea.Circle circle, SearchCursor after, Collector collector, double radius, double readRadius) {
    double step = Math.min(radius, circle.radiusM());
    Predicate<S2Cell> skip = alreadyPaged(circle, after);
    if (readRadius > 0) {
      skip = skip.or(circle.cap(readRadius)::contains);
    }
    return scan(layer, Cells.ranges(circle.cap(step), skip), skip, collector, true)
        .compose(
            v -> {
              if (step >= circle.radiusM() || collector.settledWithin(step)) {
                return Future.succeededFuture();
              }
              double next = nextRadius(step, collector.foundWithin(step), collector.capacity);
              return expand(layer, circle, after, collector, next, step);
            });
  }

  /**
   * The radius that should hold a full page if points are spread as they were within {@code
   * radius}: area grows with the square of the radius, so scale by the square root of the
   * shortfall, with half again as margin; never less than {@link #GROWTH} times wider.
   */
  static double nextRadius(double radius, int found, int wanted) {
    double scale = 1.5 * Math.sqrt(wanted / Math.max(found, 0.5));
    return radius * Math.max(GROWTH, scale);
  }

  /** Cells wholly nearer than the previous page's last record hold nothing for this page. */
  private static Predicate<S2Cell> alreadyPaged(SearchArea.Circle circle, SearchCursor after) {
    if (after == null || after.key() <= 1) {
      return cell -> false;
    }
    S2Cap inner = circle.cap(after.key() - 1);
    return inner::contains;
  }

  /**
   * Reads {@code ranges}, resolving coarse ones to the layer's occupied partitions (leaving out
   * those {@code skip} holds for). {@code nearestFirst}: reads the ranges in order of their
   * nearest possible distance and stops once nothing unread can enter the page.
   */
  private Future<Void> scan(
      String layer, List<IndexRange> ranges, Predicate<S2Cell> skip, Collector collector, boolean nearestFirst) {
    List<IndexRange> fine = new ArrayList<>();
    List<Future<List<Long>>> lookups = new ArrayList<>();
    for (IndexRange range : ranges) {
      if (range.coarse()) {
        lookups.add(index.occupiedPartitions(layer, Cells.firstPartitionIn(range), Cells.lastPartitionIn(range)));
      } else {
        fine.add(range);
      }
    }
    return Future.all(lookups)
        .compose(
            found -> {
              Set<IndexRange> all = new LinkedHashSet<>(fine);
              for (int i = 0; i < found.size(); i++) {
                List<Long> partitions = found.resultAt(i);
                for (long partition : partitions) {
                  if (!skip.test(new S2Cell(new S2CellId(partition)))) {
                    all.add(Cells.wholePartition(partition));
                  }
                }
              }
              List<Bounded> ordered = new ArrayList<>(all.size());
              for (IndexRange range : all) {
                ordered.add(new Bounded(range, nearestFirst ? collector.nearestPossible(range) : 0));
              }
              if (nearestFirst) {
                ordered.sort(Comparator.comparingDouble(Bounded::nearest));
              }
              return readAll(layer, ordered, 0, collector);
            });
  }

  /** A range to read and the nearest any of its records can be (0 when unknown). */
  private record Bounded(IndexRange range, double nearest) {}

  private Future<Void> readAll(String layer, List<Bounded> ranges, int from, Collector collector) {
    if (from >= ranges.size() || collector.cannotImprove(ranges.get(from).nearest())) {
      return Future.succeededFuture();
    }
    int to = Math.min(ranges.size(), from + PARALLEL_READS);
    List<Future<Void>> reads = new ArrayList<>();
    for (Bounded bounded : ranges.subList(from, to)) {
      IndexRange range = bounded.range();
      reads.add(index.scan(layer, range.partition(), range.min(), range.max(), collector::offer));
    }
    return Future.all(reads).compose(v -> readAll(layer, ranges, to, collector));
  }

  private record Candidate(double key, String id, double distance, IndexReader.Entry entry) {}

  /** Filters candidates exactly and keeps the best {@code limit + 1} after the cursor. */
  static final class Collector {
    private final SearchCriteria criteria;
    private final SearchArea area;
    private final SearchCursor after;
    private final S2Point center;
    private final int capacity;
    private final PriorityQueue<Candidate> best;
    private final Set<String> kept = new HashSet<>();
    /** How many more records may be offered. */
    private long budget;

    Collector(SearchCriteria criteria, SearchArea area, SearchCursor after, long budget) {
      this.criteria = criteria;
      this.area = area;
      this.after = after;
      this.center = area.center();
      this.capacity = criteria.limit() + 1;
      this.best = new PriorityQueue<>(capacity + 1, ORDER.reversed());
      this.budget = budget;
    }

    /** Considers one record; throws {@link OverBudget} when offered more than the budget. */
    void offer(IndexReader.Entry entry) {
      if (--budget < 0) {
        throw new OverBudget();
      }
      if (kept.contains(entry.id())
          || (criteria.start() != null && entry.created() < criteria.start())
          || (criteria.end() != null && entry.created() > criteria.end())) {
        return;
      }
      S2Point point = Earth.point(entry.lat(), entry.lon());
      if (!area.contains(point)) {
        return;
      }
      if (criteria.property() != null && !criteria.property().test(new JsonObject(entry.properties()))) {
        return;
      }
      double distance = Earth.metres(center, point);
      Candidate candidate = new Candidate(criteria.order().key(distance, entry.created()), entry.id(), distance, entry);
      if (after != null && ORDER.compare(candidate, new Candidate(after.key(), after.id(), 0, null)) <= 0) {
        return;
      }
      if (best.size() >= capacity && ORDER.compare(candidate, best.peek()) >= 0) {
        return;
      }
      best.add(candidate);
      kept.add(entry.id());
      if (best.size() > capacity) {
        kept.remove(best.poll().id());
      }
    }

    /** How many matching records (after the cursor) lie within {@code radius}. */
    int foundWithin(double radius) {
      return (int) best.stream().filter(c -> c.distance() <= radius).count();
    }

    /** Whether no record farther than {@code radius} can still enter the page. */
    boolean settledWithin(double radius) {
      return best.size() >= capacity && best.peek().distance() <= radius;
    }

    /** Whether no record at {@code metres} or farther can still enter the page. */
    boolean cannotImprove(double metres) {
      return best.size() >= capacity && best.peek().distance() < metres;
    }

    /**
     * A lower bound on the distance of any record in {@code range}: the distance to the smallest
     * cell that holds the whole range, less a millimetre against rounding.
     */
    double nearestPossible(IndexRange range) {
      S2CellId min = new S2CellId(range.min());
      S2CellId cell = min.parent(min.getCommonAncestorLevel(new S2CellId(range.max())));
      return new S2Cell(cell).getDistance(center).toAngle().radians() * Earth.MEAN_RADIUS_M - 0.001;
    }

    Page page(int fingerprint) {
      List<Candidate> sorted = new ArrayList<>(best);
      sorted.sort(ORDER);
      int limit = criteria.limit();
      List<Hit> hits = new ArrayList<>(Math.min(limit, sorted.size()));
      for (Candidate c : sorted.subList(0, Math.min(limit, sorted.size()))) {
        hits.add(new Hit(c.entry(), c.distance()));
      }
      String next = null;
      if (sorted.size() > limit && limit > 0) {
        Candidate last = sorted.get(limit - 1);
        next = new SearchCursor(fingerprint, last.key(), last.id()).encode();
      }
      return new Page(hits, next);
    }
  }
}
