package io.locus.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.locus.common.Failure;
import io.locus.feed.ChangeEvent;
import io.locus.geo.Cells;
import io.locus.geo.Earth;
import io.locus.serving.LayerIndex;
import io.locus.store.IndexReader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Property-based check of {@link SpatialSearch} against a brute-force oracle written without S2:
 * haversine distances on {@link Earth#MEAN_RADIUS_M}, latitude/longitude tests for rectangles and
 * a half-space test on unit vectors for (convex, spherical) polygons.
 *
 * <p>The data set (about 3,000 points) and every query are drawn from one seed, printed in every
 * failure; rerun a failure with {@code -Dlocus.seed=<seed>}. Every search runs over two in-memory
 * {@link IndexReader}s that answer with completed futures, so it runs synchronously on the test
 * thread: {@link MemoryIndex}, shaped like the Cassandra tables, and the serving tier's {@link
 * LayerIndex}, filled through its own history of loads, moves and deletes; their pages must be
 * identical, record for record and cursor for cursor.
 *
 * <p>S2 and haversine disagree by rounding error, so points whose oracle distance lies within
 * {@code 1e-6 * radius + 1e-3} m of a circle's radius, or within 1e-7 degrees of a rectangle's or
 * polygon's edge, are left out of the comparison on both sides (rectangle edges at latitude ±90
 * and longitude ±180 are exact in S2, so points on those are compared).
 *
 * <p>A refusal counts whether {@code run} throws {@link Failure} 400 or returns it as a failed
 * future: {@code SpatialQueryVerticle} treats both alike, and a bad cursor is thrown.
 */
@DisplayName("SpatialSearch agrees with a brute-force oracle on random points")
class SpatialSearchTest {
  private static final long SEED = Long.getLong("locus.seed", 20_250_611L);
  private static final String LAYER = "oracle.points";

  /** Fifty records share this coordinate exactly. */
  private static final double DUP_LAT = 35.6895;
  private static final double DUP_LON = 139.6917;
  private static final int DUPLICATES = 50;

  /** A dense city: 5% of the points lie within 2 km of its centre. */
  private static final double CITY_LAT = 48.8566;
  private static final double CITY_LON = 2.3522;

  /** Points this close (degrees) to a rectangle's or polygon's edge are not compared. */
  private static final double EDGE_DEG = 1e-7;

  private static final double R = Earth.MEAN_RADIUS_M;

  private static List<Point> points;
  private static Map<String, Point> byId;
  private static MemoryIndex index;
  private static SpatialSearch search;
  private static SpatialSearch servingSearch;

  /** A generated record with what the oracle needs of it. */
  record Point(String id, double lat, double lon, long created, String kind, int n, double[] xyz, IndexReader.Entry entry) {}

  // ---------------------------------------------------------------------------------------------
  // Data set and in-memory index

  @BeforeAll
  static void buildIndex() {
    points = generate(new Random(SEED));
    byId = new HashMap<>();
    index = new MemoryIndex();
    for (Point p : points) {
      assertThat(byId.put(p.id(), p)).as("ids are unique").isNull();
      index.add(p.entry());
    }
    search = new SpatialSearch(index);
    servingSearch = new SpatialSearch(serving(new Random(SEED + 1)));
    System.out.printf(
        "SpatialSearchTest: seed=%d (override with -Dlocus.seed), %d points in %d partitions%n",
        SEED, points.size(), index.occupied.size());
  }

  /**
   * The same points in a {@link LayerIndex}, reached through a history: a third of them are first
   * loaded somewhere else and then moved by an upsert, a hundred more records are loaded, deleted
   * and offered again older than their delete, and every event of the final states comes twice.
   */
  private static LayerIndex serving(Random rnd) {
    LayerIndex layer = new LayerIndex(LAYER);
    for (int i = 0; i < points.size(); i++) {
      IndexReader.Entry entry = points.get(i).entry();
      if (i % 3 == 0) {
        Point elsewhere = points.get(rnd.nextInt(points.size()));
        layer.load(new IndexReader.Entry(entry.id(), elsewhere.lat(), elsewhere.lon(), elsewhere.entry().coordinates(), 0, "{}", 0), 1);
      }
      ChangeEvent.State state = new ChangeEvent.State(entry.lat(), entry.lon(), entry.coordinates(), entry.created(), entry.properties(), 0);
      for (int repeat = 0; repeat < 2; repeat++) {
        layer.apply(ChangeEvent.upsert(LAYER, entry.id(), 2, 0, state, null));
      }
    }
    for (int i = 0; i < 100; i++) {
      IndexReader.Entry like = points.get(rnd.nextInt(points.size())).entry();
      IndexReader.Entry ghost = new IndexReader.Entry("ghost-" + i, like.lat(), like.lon(), like.coordinates(), like.created(), like.properties(), 0);
      layer.load(ghost, 1);
      layer.apply(ChangeEvent.delete(LAYER, ghost.id(), 3, 0, null));
      layer.load(ghost, 2);
    }
    assertThat(layer.size()).as("the serving index holds the points").isEqualTo(points.size());
    return layer;
  }

  private static List<Point> generate(Random rnd) {
    List<double[]> coords = new ArrayList<>();
    // Uniform on the sphere.
    for (int i = 0; i < 2160; i++) {
      coords.add(new double[] {Math.toDegrees(Math.asin(2 * rnd.nextDouble() - 1)), lon(rnd)});
    }
    // Both poles: latitude 89.9..90, some exactly on the pole.
    for (int sign : new int[] {1, -1}) {
      for (int i = 0; i < 120; i++) {
        double lat = i % 20 == 0 ? 90 : 89.9 + 0.1 * rnd.nextDouble();
        coords.add(new double[] {sign * lat, lon(rnd)});
      }
    }
    // The antimeridian: longitude ±179.9..±180, some exactly ±180; half of them in one dense spot.
    for (int i = 0; i < 200; i++) {
      double lon = (rnd.nextBoolean() ? 1 : -1) * (i % 25 == 0 ? 180 : 179.9 + 0.1 * rnd.nextDouble());
      double lat = i % 2 == 0 ? -60 + 120 * rnd.nextDouble() : -17.2 + 0.4 * rnd.nextDouble();
      coords.add(new double[] {lat, lon});
    }
    // The equator: latitude within ±0.01, some exactly 0.
    for (int i = 0; i < 200; i++) {
      coords.add(new double[] {i % 20 == 0 ? 0.0 : 0.02 * (rnd.nextDouble() - 0.5), lon(rnd)});
    }
    // The city: within 2 km of its centre.
    for (int i = 0; i < 150; i++) {
      coords.add(destination(CITY_LAT, CITY_LON, 360 * rnd.nextDouble(), 2000 * Math.sqrt(rnd.nextDouble())));
    }
    // One coordinate, fifty records.
    for (int i = 0; i < DUPLICATES; i++) {
      coords.add(new double[] {DUP_LAT, DUP_LON});
    }

    long[] sharedCreated = new long[10];
    for (int i = 0; i < sharedCreated.length; i++) {
      sharedCreated[i] = 1_000_000_000L + rnd.nextInt(800_000_000);
    }
    List<Point> result = new ArrayList<>();
    for (int i = 0; i < coords.size(); i++) {
      double lat = coords.get(i)[0];
      double lon = coords.get(i)[1];
      String id = String.format("%08x-%04d", rnd.nextInt(), i);
      long created =
          rnd.nextInt(100) < 15 ? sharedCreated[rnd.nextInt(sharedCreated.length)] : 1_000_000_000L + rnd.nextInt(800_000_000);
      String kind = String.valueOf((char) ('a' + rnd.nextInt(3)));
      int n = rnd.nextInt(100);
      String properties = new JsonObject().put("kind", kind).put("n", n).encode();
      String coordinates = new JsonArray().add(lon).add(lat).encode();
      result.add(
          new Point(id, lat, lon, created, kind, n, unit(lat, lon),
              new IndexReader.Entry(id, lat, lon, coordinates, created, properties, 0)));
    }
    return result;
  }

  private static double lon(Random rnd) {
    return 360 * rnd.nextDouble() - 180;
  }

  /** The point {@code metres} from (lat, lon) on the initial bearing {@code bearingDeg}. */
  private static double[] destination(double latDeg, double lonDeg, double bearingDeg, double metres) {
    double lat = Math.toRadians(latDeg);
    double bearing = Math.toRadians(bearingDeg);
    double delta = metres / R;
    double lat2 = Math.asin(Math.sin(lat) * Math.cos(delta) + Math.cos(lat) * Math.sin(delta) * Math.cos(bearing));
    double lon2 =
        Math.toRadians(lonDeg)
            + Math.atan2(Math.sin(bearing) * Math.sin(delta) * Math.cos(lat), Math.cos(delta) - Math.sin(lat) * Math.sin(lat2));
    double lonDeg2 = Math.toDegrees(lon2);
    lonDeg2 = ((lonDeg2 + 540) % 360) - 180;
    return new double[] {Math.toDegrees(lat2), lonDeg2};
  }

  /**
   * The index in memory, shaped like {@code records_by_cell} (partition, then leaf cell, then id)
   * and {@code layer_partitions}; Cassandra compares bigints signed, and so does {@code Long}.
   */
  static final class MemoryIndex implements IndexReader {
    final TreeMap<Long, TreeMap<Long, List<Entry>>> partitions = new TreeMap<>();
    final TreeSet<Long> occupied = new TreeSet<>();

    void add(Entry entry) {
      long cell = Cells.leaf(entry.lat(), entry.lon());
      long partition = Cells.partitionOf(cell);
      List<Entry> atCell = partitions.computeIfAbsent(partition, p -> new TreeMap<>()).computeIfAbsent(cell, c -> new ArrayList<>());
      atCell.add(entry);
      atCell.sort(Comparator.comparing(Entry::id));
      occupied.add(partition);
    }

    @Override
    public Future<List<Long>> occupiedPartitions(String layer, long first, long last) {
      if (!LAYER.equals(layer) || first > last) {
        return Future.succeededFuture(List.of());
      }
      return Future.succeededFuture(new ArrayList<>(occupied.subSet(first, true, last, true)));
    }

    @Override
    public Future<Void> scan(String layer, long partition, long min, long max, Consumer<Entry> sink) {
      TreeMap<Long, List<Entry>> cells = partitions.get(partition);
      if (LAYER.equals(layer) && cells != null && min <= max) {
        cells.subMap(min, true, max, true).values().forEach(entries -> entries.forEach(sink));
      }
      return Future.succeededFuture();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Oracle

  private static double haversine(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double sinDLat = Math.sin((p2 - p1) / 2);
    double sinDLon = Math.sin(Math.toRadians(lon2 - lon1) / 2);
    double a = sinDLat * sinDLat + Math.cos(p1) * Math.cos(p2) * sinDLon * sinDLon;
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  /** How far S2's distances may stray from the oracle's. */
  private static double tolerance(double metres) {
    return 1e-6 * metres + 1e-3;
  }

  /** Two distances this close are a tie: either order is right. */
  private static double tie(double metres) {
    return 1e-6 + 1e-12 * metres;
  }

  private static double[] unit(double latDeg, double lonDeg) {
    double lat = Math.toRadians(latDeg);
    double lon = Math.toRadians(lonDeg);
    return new double[] {Math.cos(lat) * Math.cos(lon), Math.cos(lat) * Math.sin(lon), Math.sin(lat)};
  }

  private static double[] cross(double[] a, double[] b) {
    return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
  }

  private static double dot(double[] a, double[] b) {
    return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  }

  private static double[] normalize(double[] a) {
    double norm = Math.sqrt(dot(a, a));
    return new double[] {a[0] / norm, a[1] / norm, a[2] / norm};
  }

  /** What a query should return: ids in order, ids left out of the comparison, distances. */
  record Expected(List<String> ids, Set<String> excluded, Map<String, Double> distance) {}

  enum Sort { DISTANCE, CREATED, NEWEST }

  private static Comparator<Point> comparator(Sort sort, Map<String, Double> distance) {
    Comparator<Point> primary =
        switch (sort) {
          case DISTANCE -> Comparator.comparingDouble(p -> distance.get(p.id()));
          case CREATED -> Comparator.comparingLong(Point::created);
          case NEWEST -> Comparator.comparingLong((Point p) -> -p.created());
        };
    return primary.thenComparing(Point::id);
  }

  /**
   * Runs the oracle: {@code member} says which points belong, {@code boundary} which are too
   * close to call; distances are measured from {@code (centerLat, centerLon)}.
   */
  private static Expected oracle(
      double centerLat, double centerLon, Predicate<Point> member, Predicate<Point> boundary, Sort sort, Predicate<Point> filter) {
    Map<String, Double> distance = new HashMap<>();
    List<Point> in = new ArrayList<>();
    Set<String> excluded = new HashSet<>();
    for (Point p : points) {
      distance.put(p.id(), haversine(centerLat, centerLon, p.lat(), p.lon()));
      if (!filter.test(p)) {
        continue;
      }
      if (boundary.test(p)) {
        excluded.add(p.id());
      } else if (member.test(p)) {
        in.add(p);
      }
    }
    in.sort(comparator(sort, distance));
    return new Expected(in.stream().map(Point::id).toList(), excluded, distance);
  }

  private static Expected circleOracle(double lat, double lon, double radius, Sort sort, Predicate<Point> filter) {
    return oracle(
        lat, lon,
        p -> haversine(lat, lon, p.lat(), p.lon()) <= radius,
        p -> Math.abs(haversine(lat, lon, p.lat(), p.lon()) - radius) <= tolerance(radius),
        sort, filter);
  }

  /** Longitude interval membership, wrapping when west > east; -180 and 180 are one meridian. */
  private static boolean lonWithin(double lon, double west, double east) {
    Predicate<Double> in = x -> west <= east ? x >= west && x <= east : x >= west || x <= east;
    return in.test(lon) || (Math.abs(lon) == 180 && in.test(-lon));
  }

  private static double lonGap(double a, double b) {
    double d = Math.abs(a - b) % 360;
    return Math.min(d, 360 - d);
  }

  private static double[] rectCenter(double south, double west, double north, double east) {
    double lat = (south + north) / 2;
    double lon = west <= east ? (west + east) / 2 : (west + east + 360) / 2;
    if (lon > 180) {
      lon -= 360;
    }
    return new double[] {lat, lon};
  }

  /**
   * Edges at latitude ±90 and longitude ±180 are exact in S2 (π/2 and π survive the round trip),
   * so points on them are compared; points near any other edge are not.
   */
  private static Expected rectOracle(double s, double w, double n, double e, Sort sort, Predicate<Point> filter) {
    boolean fullLon = w == -180 && e == 180;
    double[] c = rectCenter(s, w, n, e);
    return oracle(
        c[0], c[1],
        p -> p.lat() >= s && p.lat() <= n && lonWithin(p.lon(), w, e),
        p -> (s > -90 && Math.abs(p.lat() - s) < EDGE_DEG)
            || (n < 90 && Math.abs(p.lat() - n) < EDGE_DEG)
            || (!fullLon && Math.abs(w) != 180 && lonGap(p.lon(), w) < EDGE_DEG)
            || (!fullLon && Math.abs(e) != 180 && lonGap(p.lon(), e) < EDGE_DEG),
        sort, filter);
  }

  /** A convex spherical loop given counter-clockwise by unit vectors: its edges' normals. */
  record ConvexLoop(List<double[]> normals) {
    static ConvexLoop of(List<double[]> vertices) {
      List<double[]> normals = new ArrayList<>();
      for (int i = 0; i < vertices.size(); i++) {
        normals.add(normalize(cross(vertices.get(i), vertices.get((i + 1) % vertices.size()))));
      }
      return new ConvexLoop(normals);
    }

    boolean contains(double[] p) {
      return normals.stream().allMatch(nrm -> dot(nrm, p) > 0);
    }

    /** Within {@link #EDGE_DEG} of the great circle of any edge. */
    boolean nearEdge(double[] p) {
      double limit = Math.sin(Math.toRadians(EDGE_DEG));
      return normals.stream().anyMatch(nrm -> Math.abs(dot(nrm, p)) < limit);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Running searches

  private static String context(String property, int query, SearchCriteria criteria) {
    return String.format("seed=%d (-Dlocus.seed=%d) %s query #%d: %s", SEED, SEED, property, query, criteria.toJson().encode());
  }

  /**
   * Runs one page over {@link MemoryIndex} and over the {@link LayerIndex}, which must answer
   * alike, and returns the first; an exception thrown by run() counts as a failed future (as in
   * the verticle).
   */
  private static Future<SpatialSearch.Page> runOnce(SearchCriteria criteria) {
    Future<SpatialSearch.Page> cassandraShaped = attempt(search, criteria);
    Future<SpatialSearch.Page> serving = attempt(servingSearch, criteria);
    String ctx = String.format("seed=%d %s over the LayerIndex", SEED, criteria.toJson().encode());
    if (cassandraShaped.succeeded()) {
      assertThat(serving.succeeded()).as("%s: failed with %s", ctx, serving.cause()).isTrue();
      assertThat(serving.result().records()).as("%s: the page's records", ctx).isEqualTo(cassandraShaped.result().records());
      assertThat(serving.result().nextCursor()).as("%s: the next cursor", ctx).isEqualTo(cassandraShaped.result().nextCursor());
    } else {
      assertThat(String.valueOf(serving.cause())).as("%s: the failure", ctx).isEqualTo(String.valueOf(cassandraShaped.cause()));
    }
    return cassandraShaped;
  }

  private static Future<SpatialSearch.Page> attempt(SpatialSearch over, SearchCriteria criteria) {
    try {
      return over.run(criteria);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static SpatialSearch.Page page(String ctx, SearchCriteria criteria) {
    Future<SpatialSearch.Page> future = runOnce(criteria);
    assertThat(future.isComplete()).as("%s: the in-memory search completes synchronously", ctx).isTrue();
    if (future.failed()) {
      throw new AssertionError(ctx + ": search failed: " + future.cause(), future.cause());
    }
    return future.result();
  }

  private static SearchCriteria withCursor(SearchCriteria c, int limit, String cursor) {
    return new SearchCriteria(c.layer(), c.area(), limit, c.order(), c.start(), c.end(), c.property(), cursor);
  }

  /** Pages through every page, each next page asked with the limit {@code nextLimit} gives. */
  private static List<JsonObject> pageAll(String ctx, SearchCriteria first, IntSupplier nextLimit, int[] pageCount) {
    List<JsonObject> all = new ArrayList<>();
    SearchCriteria criteria = first;
    int pages = 0;
    while (true) {
      pages++;
      assertThat(pages).as("%s: paging never ends (%d records so far)", ctx, all.size()).isLessThanOrEqualTo(points.size() + 2);
      SpatialSearch.Page page = page(ctx + " page " + pages, criteria);
      int size = page.records().size();
      assertThat(size).as("%s: page %d holds at most limit=%d records", ctx, pages, criteria.limit()).isLessThanOrEqualTo(criteria.limit());
      if (page.nextCursor() != null) {
        assertThat(size).as("%s: page %d has a next cursor, so it is full (limit %d)", ctx, pages, criteria.limit()).isEqualTo(criteria.limit());
      }
      if (criteria.cursor() != null) {
        assertThat(size).as("%s: page %d was promised by the previous page's cursor, yet is empty", ctx, pages).isPositive();
      }
      for (int i = 0; i < size; i++) {
        all.add(page.records().getJsonObject(i));
      }
      if (page.nextCursor() == null) {
        break;
      }
      criteria = withCursor(criteria, nextLimit.getAsInt(), page.nextCursor());
    }
    pageCount[0] += pages;
    return all;
  }

  private static List<String> ids(List<JsonObject> records) {
    return records.stream().map(r -> r.getString("id")).toList();
  }

  private static String describe(Collection<String> ids, Map<String, Double> distance) {
    return ids.stream()
        .limit(12)
        .map(id -> {
          Point p = byId.get(id);
          return p == null ? id : String.format("%s(%.9f,%.9f d=%.6f created=%d)", id, p.lat(), p.lon(), distance.get(id), p.created());
        })
        .collect(Collectors.joining(", ", "[", ids.size() > 12 ? ", … " + ids.size() + " in all]" : "]"));
  }

  /** Each record is the indexed one, unchanged, and appears once. */
  private static void assertRecordsIntact(String ctx, List<JsonObject> got) {
    Set<String> seen = new HashSet<>();
    for (JsonObject r : got) {
      String id = r.getString("id");
      assertThat(seen.add(id)).as("%s: %s returned twice", ctx, id).isTrue();
      Point p = byId.get(id);
      assertThat(p).as("%s: unknown id %s", ctx, id).isNotNull();
      assertThat(r.getLong("created")).as("%s: created of %s", ctx, id).isEqualTo(p.created());
      assertThat(r.getString("properties")).as("%s: properties of %s", ctx, id).isEqualTo(p.entry().properties());
      assertThat(r.getString("coordinates")).as("%s: coordinates of %s", ctx, id).isEqualTo(p.entry().coordinates());
    }
  }

  /** The same records as the oracle's, up to the boundary points. */
  private static void assertSameSet(String ctx, List<JsonObject> got, Expected expected) {
    Set<String> gotIds = new LinkedHashSet<>(ids(got));
    gotIds.removeAll(expected.excluded());
    Set<String> want = new LinkedHashSet<>(expected.ids());
    List<String> missing = want.stream().filter(id -> !gotIds.contains(id)).toList();
    List<String> unexpected = gotIds.stream().filter(id -> !want.contains(id)).toList();
    assertThat(missing.isEmpty() && unexpected.isEmpty())
        .as(() -> String.format(
            "%s: expected %d records (%d boundary points ignored), got %d; missing %d: %s; unexpected %d: %s",
            ctx, want.size(), expected.excluded().size(), got.size(),
            missing.size(), describe(missing, expected.distance()),
            unexpected.size(), describe(unexpected, expected.distance())))
        .isTrue();
  }

  /** Reported distances agree with the oracle's and the records come nearest first, then by id. */
  private static void assertDistanceOrder(String ctx, List<JsonObject> got, Map<String, Double> oracleDistance) {
    for (int i = 0; i < got.size(); i++) {
      JsonObject r = got.get(i);
      String id = r.getString("id");
      double reported = r.getDouble("distance");
      double truth = oracleDistance.get(id);
      assertThat(Math.abs(reported - truth))
          .as("%s: distance of %s is %.9f m, the oracle says %.9f m", ctx, id, reported, truth)
          .isLessThanOrEqualTo(tolerance(truth));
      if (i > 0) {
        JsonObject prev = got.get(i - 1);
        double before = prev.getDouble("distance");
        boolean ordered = before < reported || (before == reported && prev.getString("id").compareTo(id) < 0);
        assertThat(ordered)
            .as("%s: record %d (%s at %.9f m) comes after %s at %.9f m", ctx, i, id, reported, prev.getString("id"), before)
            .isTrue();
      }
    }
  }

  /** Same order as the oracle's list, except that near-ties may come either way. */
  private static void assertOrderModuloTies(String ctx, List<String> gotIds, List<String> wantIds, ToDoubleFunction<String> key) {
    assertThat(gotIds).as("%s: result size", ctx).hasSameSizeAs(wantIds);
    for (int i = 0; i < gotIds.size(); i++) {
      String g = gotIds.get(i);
      String w = wantIds.get(i);
      if (!g.equals(w)) {
        double kg = key.applyAsDouble(g);
        double kw = key.applyAsDouble(w);
        int at = i;
        assertThat(Math.abs(kg - kw))
            .as(() -> String.format("%s: position %d holds %s (key %.9f), the oracle puts %s (key %.9f) there", ctx, at, g, kg, w, kw))
            .isLessThanOrEqualTo(tie(Math.max(kg, kw)));
      }
    }
  }

  /** The comparable ids of a result: boundary points removed. */
  private static List<String> comparable(List<JsonObject> got, Expected expected) {
    return ids(got).stream().filter(id -> !expected.excluded().contains(id)).toList();
  }

  /** Runs every query, collecting failures so that one run reports all of them. */
  private static final class Failures {
    private final String property;
    private final List<String> messages = new ArrayList<>();
    int queries;
    int pages;
    int records;
    int excluded;
    int empty;

    void expect(Expected expected) {
      records += expected.ids().size();
      excluded += expected.excluded().size();
      empty += expected.ids().isEmpty() ? 1 : 0;
    }

    Failures(String property) {
      this.property = property;
    }

    void check(Runnable query) {
      queries++;
      try {
        query.run();
      } catch (AssertionError e) {
        messages.add(e.getMessage());
      }
    }

    void assertNone() {
      System.out.printf(
          "SpatialSearchTest: %s: %d queries (%d expect nothing), %d pages, %d records expected, %d boundary points ignored, %d failed%n",
          property, queries, empty, pages, records, excluded, messages.size());
      assertThat(messages)
          .as(() -> String.format(
              "seed=%d: %d of %d %s queries disagree with the oracle; first ones:%n%s",
              SEED, messages.size(), queries, property,
              messages.stream().limit(5).collect(Collectors.joining("\n\n"))))
          .isEmpty();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Query generators

  /** A circle centre: anywhere, a data point, or one of the awkward places. */
  private static double[] center(Random rnd) {
    int pick = rnd.nextInt(11);
    return switch (pick) {
      case 0, 1, 2 -> new double[] {Math.toDegrees(Math.asin(2 * rnd.nextDouble() - 1)), lon(rnd)};
      case 3, 4, 5 -> {
        Point p = points.get(rnd.nextInt(points.size()));
        yield new double[] {p.lat(), p.lon()};
      }
      case 6 -> new double[] {rnd.nextBoolean() ? 90 : -90, lon(rnd)};
      case 7 -> new double[] {-17 + rnd.nextDouble() * 0.2, rnd.nextBoolean() ? 180 : -180};
      case 8 -> new double[] {DUP_LAT, DUP_LON};
      case 9 -> destination(DUP_LAT, DUP_LON, 360 * rnd.nextDouble(), 20 * rnd.nextDouble()); // metres from the fifty
      default -> new double[] {CITY_LAT + 0.01 * (rnd.nextDouble() - 0.5), CITY_LON + 0.01 * (rnd.nextDouble() - 0.5)};
    };
  }

  private static double logUniform(Random rnd, double min, double max) {
    return Math.exp(Math.log(min) + rnd.nextDouble() * (Math.log(max) - Math.log(min)));
  }

  /** A limit of 1..50, raised so that paging through {@code count} records takes at most 60 pages. */
  private static int limit(Random rnd, int count) {
    return Math.max(1 + rnd.nextInt(50), (count + 59) / 60);
  }

  // ---------------------------------------------------------------------------------------------
  // Properties

  @Test
  @DisplayName("paging through a circle, nearest first, yields exactly the oracle's records in the oracle's order")
  void circlesPagedNearestFirst() {
    Random rnd = new Random(SEED * 31 + 1);
    Failures failures = new Failures("circle/distance");
    for (int q = 0; q < 150; q++) {
      double[] c = center(rnd);
      double radius = logUniform(rnd, 1, 1_000_000);
      Expected expected = circleOracle(c[0], c[1], radius, Sort.DISTANCE, p -> true);
      int limit = limit(rnd, expected.ids().size() + expected.excluded().size());
      boolean vary = rnd.nextBoolean();
      SearchCriteria criteria =
          new SearchCriteria(LAYER, SearchCriteria.circle(c[0], c[1], radius), limit, SearchOrder.DISTANCE, null, null, null, null);
      String ctx = context("circle", q, criteria) + (vary ? " (limit varies per page)" : "");
      failures.expect(expected);
      failures.check(() -> {
        int[] pages = new int[1];
        List<JsonObject> got = pageAll(ctx, criteria, vary ? () -> limit + rnd.nextInt(50) : () -> limit, pages);
        failures.pages += pages[0];
        assertRecordsIntact(ctx, got);
        assertDistanceOrder(ctx, got, expected.distance());
        for (JsonObject r : got) {
          assertThat(expected.distance().get(r.getString("id")))
              .as("%s: %s lies outside the radius", ctx, r.getString("id"))
              .isLessThanOrEqualTo(radius + tolerance(radius));
        }
        assertSameSet(ctx, got, expected);
        assertOrderModuloTies(ctx, comparable(got, expected), expected.ids(), expected.distance()::get);
      });
    }
    failures.assertNone();
  }

  @Test
  @DisplayName("k-nearest (no radius) returns the oracle's k nearest, ties broken by id")
  void kNearest() {
    Random rnd = new Random(SEED * 31 + 2);
    Failures failures = new Failures("k-nearest");
    for (int q = 0; q < 60; q++) {
      double[] c = center(rnd);
      int k = 1 + rnd.nextInt(50);
      Expected expected = oracle(c[0], c[1], p -> true, p -> false, Sort.DISTANCE, p -> true);
      SearchCriteria criteria =
          new SearchCriteria(LAYER, SearchCriteria.circle(c[0], c[1], null), k, SearchOrder.DISTANCE, null, null, null, null);
      String ctx = context("k-nearest", q, criteria);
      boolean secondPage = q % 3 == 0;
      failures.pages += secondPage ? 2 : 1;
      failures.records += secondPage ? 2 * k : k;
      failures.check(() -> {
        SpatialSearch.Page first = page(ctx, criteria);
        List<JsonObject> got = first.records().stream().map(JsonObject.class::cast).toList();
        assertRecordsIntact(ctx, got);
        assertDistanceOrder(ctx, got, expected.distance());
        assertOrderModuloTies(ctx, ids(got), expected.ids().subList(0, k), expected.distance()::get);
        assertThat(first.nextCursor()).as("%s: more records remain, so there is a next cursor", ctx).isNotNull();
        if (secondPage) {
          List<JsonObject> next =
              page(ctx + " page 2", withCursor(criteria, k, first.nextCursor())).records().stream().map(JsonObject.class::cast).toList();
          List<JsonObject> both = new ArrayList<>(got);
          both.addAll(next);
          assertRecordsIntact(ctx + " pages 1-2", both);
          assertDistanceOrder(ctx + " pages 1-2", both, expected.distance());
          assertOrderModuloTies(ctx + " pages 1-2", ids(both), expected.ids().subList(0, 2 * k), expected.distance()::get);
        }
      });
    }
    failures.assertNone();
  }

  @Test
  @DisplayName("in memory, a nearest-first search reads about as many records as its page holds, and a budget stops it")
  void nearestFirstBudget() {
    Random rnd = new Random(SEED * 31 + 3);
    for (int q = 0; q < 60; q++) {
      double[] c = center(rnd);
      Double radius = q % 2 == 0 ? null : 1000.0 * (1 + rnd.nextInt(50));
      SearchCriteria criteria =
          new SearchCriteria(LAYER, SearchCriteria.circle(c[0], c[1], radius), 20, SearchOrder.DISTANCE, null, null, null, null);
      String ctx = context("budget", q, criteria);
      SpatialSearch.Page whole = page(ctx, criteria);
      SpatialSearch.Page here = servingSearch.runHere(criteria, 400);
      assertThat(here).as("%s: answered within 400 records (20 a page)", ctx).isNotNull();
      assertThat(here.records()).as(ctx).isEqualTo(whole.records());
      assertThat(here.nextCursor()).as(ctx).isEqualTo(whole.nextCursor());
      if (!whole.hits().isEmpty()) {
        assertThat(servingSearch.runHere(criteria, whole.hits().size() - 1)).as("%s: over a budget below the page", ctx).isNull();
      }
    }
    SearchCriteria badCursor =
        new SearchCriteria(LAYER, SearchCriteria.circle(CITY_LAT, CITY_LON, null), 20, SearchOrder.DISTANCE, null, null, null, "garbage");
    assertThatThrownBy(() -> servingSearch.runHere(badCursor, 400)).isInstanceOf(Failure.class);
    assertThatThrownBy(() -> search.runHere(badCursor, 400)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("radius 0 at the shared coordinate returns exactly the fifty records there, at distance 0")
  void radiusZeroAtDuplicates() {
    List<String> want =
        points.stream().filter(p -> p.lat() == DUP_LAT && p.lon() == DUP_LON).map(Point::id).sorted().toList();
    assertThat(want).hasSize(DUPLICATES);
    for (int limit : new int[] {100, 50, 7, 1}) {
      SearchCriteria criteria =
          new SearchCriteria(LAYER, SearchCriteria.circle(DUP_LAT, DUP_LON, 0.0), limit, SearchOrder.DISTANCE, null, null, null, null);
      String ctx = context("radius 0", limit, criteria);
      List<JsonObject> got = pageAll(ctx, criteria, () -> limit, new int[1]);
      assertRecordsIntact(ctx, got);
      assertThat(ids(got)).as("%s: the fifty records, by id", ctx).containsExactlyElementsOf(want);
      assertThat(got).as("%s: at distance 0", ctx).allSatisfy(r -> assertThat(r.getDouble("distance")).isZero());
    }
  }

  @Test
  @DisplayName("the fifty records at one spot, seen from metres away, page through in id order however small the pages")
  void duplicatesFromNearby() {
    Random rnd = new Random(SEED * 31 + 3);
    List<String> want =
        points.stream().filter(p -> p.lat() == DUP_LAT && p.lon() == DUP_LON).map(Point::id).sorted().toList();
    Failures failures = new Failures("duplicates nearby");
    for (int q = 0; q < 40; q++) {
      double[] c = destination(DUP_LAT, DUP_LON, 360 * rnd.nextDouble(), logUniform(rnd, 0.05, 50));
      double d = haversine(c[0], c[1], DUP_LAT, DUP_LON);
      double radius = d + logUniform(rnd, 0.01, 5);
      Expected expected = circleOracle(c[0], c[1], radius, Sort.DISTANCE, p -> true);
      int limit = 1 + rnd.nextInt(9);
      SearchCriteria criteria =
          new SearchCriteria(LAYER, SearchCriteria.circle(c[0], c[1], radius), limit, SearchOrder.DISTANCE, null, null, null, null);
      String ctx = context("duplicates nearby", q, criteria);
      failures.expect(expected);
      failures.check(() -> {
        int[] pages = new int[1];
        List<JsonObject> got = pageAll(ctx, criteria, () -> limit, pages);
        failures.pages += pages[0];
        assertThat(expected.ids()).as("%s: the oracle sees just the fifty", ctx).containsExactlyElementsOf(want);
        assertRecordsIntact(ctx, got);
        assertDistanceOrder(ctx, got, expected.distance());
        assertThat(ids(got)).as("%s: the fifty records, by id", ctx).containsExactlyElementsOf(want);
      });
    }
    failures.assertNone();
  }

  @Test
  @DisplayName("rectangles, across the antimeridian and up to the poles, page through the oracle's records nearest the centre first")
  void rectangles() {
    Random rnd = new Random(SEED * 31 + 4);
    Failures failures = new Failures("rectangle");
    List<double[]> boxes = new ArrayList<>();
    boxes.add(new double[] {-90, -180, 90, 180}); // the whole world
    boxes.add(new double[] {-20, 170, -10, -170}); // the dense antimeridian spot
    boxes.add(new double[] {89.95, -180, 90, 180}); // the north polar cap
    boxes.add(new double[] {-90, 100, -89.9, -100}); // a south polar slice across the antimeridian
    boxes.add(new double[] {DUP_LAT - 0.01, DUP_LON - 0.01, DUP_LAT + 0.01, DUP_LON + 0.01});
    boxes.add(new double[] {CITY_LAT - 0.01, CITY_LON - 0.02, CITY_LAT + 0.01, CITY_LON + 0.02});
    boxes.add(new double[] {-0.005, -180, 0.005, 180}); // the equatorial band
    while (boxes.size() < 70) {
      int kind = rnd.nextInt(5);
      double s;
      double n;
      double w;
      double e;
      if (kind == 0 || kind == 1) { // anywhere; kind 1 forced across the antimeridian
        double mid = Math.toDegrees(Math.asin(2 * rnd.nextDouble() - 1));
        double half = logUniform(rnd, 0.02, 30);
        s = Math.max(-90, mid - half);
        n = Math.min(90, mid + half);
        double span = logUniform(rnd, 0.05, 200);
        if (kind == 1) {
          w = 180 - rnd.nextDouble() * span;
          e = w + span - 360;
        } else {
          w = lon(rnd);
          e = w + span > 180 ? w + span - 360 : w + span;
        }
      } else if (kind == 2) { // touching a pole
        double depth = logUniform(rnd, 0.01, 30);
        boolean north = rnd.nextBoolean();
        s = north ? 90 - depth : -90;
        n = north ? 90 : -90 + depth;
        w = rnd.nextInt(4) == 0 ? -180 : lon(rnd);
        e = w == -180 ? 180 : lon(rnd); // west > east half the time: across the antimeridian
      } else if (kind == 3) { // an edge on the antimeridian
        s = -60 + 100 * rnd.nextDouble();
        n = Math.min(90, s + logUniform(rnd, 0.05, 40));
        double width = logUniform(rnd, 0.01, 90);
        switch (rnd.nextInt(4)) {
          case 0 -> { w = -180; e = -180 + width; }
          case 1 -> { w = 180; e = -180 + width; } // the same box, written across the antimeridian
          case 2 -> { e = 180; w = 180 - width; }
          default -> { e = -180; w = 180 - width; } // likewise
        }
      } else { // around a data point
        Point p = points.get(rnd.nextInt(points.size()));
        double half = logUniform(rnd, 0.001, 5);
        s = Math.max(-90, p.lat() - half);
        n = Math.min(90, p.lat() + half);
        w = p.lon() - half < -180 ? p.lon() - half + 360 : p.lon() - half;
        e = p.lon() + half > 180 ? p.lon() + half - 360 : p.lon() + half;
      }
      boxes.add(new double[] {s, w, n, e});
    }
    for (int q = 0; q < boxes.size(); q++) {
      double[] b = boxes.get(q);
      Expected expected = rectOracle(b[0], b[1], b[2], b[3], Sort.DISTANCE, p -> true);
      int limit = limit(rnd, expected.ids().size() + expected.excluded().size());
      SearchCriteria criteria =
          new SearchCriteria(LAYER, SearchCriteria.rect(b[0], b[1], b[2], b[3]), limit, SearchOrder.DISTANCE, null, null, null, null);
      String ctx = context("rectangle", q, criteria);
      failures.expect(expected);
      failures.check(() -> {
        int[] pages = new int[1];
        List<JsonObject> got = pageAll(ctx, criteria, () -> limit, pages);
        failures.pages += pages[0];
        assertRecordsIntact(ctx, got);
        assertSameSet(ctx, got, expected);
        assertDistanceOrder(ctx, got, expected.distance());
        assertOrderModuloTies(ctx, comparable(got, expected), expected.ids(), expected.distance()::get);
      });
    }
    failures.assertNone();
  }

  @Test
  @DisplayName("a zero-width box on the antimeridian holds the points on it, however its edges are written")
  void zeroWidthBoxOnTheAntimeridian() {
    List<String> onIt = points.stream().filter(p -> Math.abs(p.lon()) == 180).map(Point::id).sorted().toList();
    assertThat(onIt).as("seed=%d: the data set has points exactly on the antimeridian", SEED).isNotEmpty();
    List<String> problems = new ArrayList<>();
    double[][] edges = {{180, 180}, {-180, -180}, {180, -180}};
    for (int q = 0; q < edges.length; q++) {
      double[] we = edges[q];
      SearchCriteria criteria =
          new SearchCriteria(LAYER, SearchCriteria.rect(-90, we[0], 90, we[1]), 50, SearchOrder.DISTANCE, null, null, null, null);
      String ctx = context("antimeridian line", q, criteria);
      Expected expected = rectOracle(-90, we[0], 90, we[1], Sort.DISTANCE, p -> true);
      assertThat(expected.ids()).as("%s: the oracle's answer", ctx).containsExactlyInAnyOrderElementsOf(onIt);
      List<String> got = ids(pageAll(ctx, criteria, () -> 50, new int[1])).stream().sorted().toList();
      if (!got.equals(onIt)) {
        problems.add(String.format("%s: expected the %d points at longitude ±180 %s, got %s", ctx, onIt.size(), onIt, got));
      }
    }
    assertThat(problems).as("seed=%d", SEED).isEmpty();
  }

  /** A random convex quadrilateral on the sphere, optionally with a square hole. */
  record Quad(JsonObject geometry, ConvexLoop outer, ConvexLoop hole) {
    boolean contains(double[] p) {
      return outer.contains(p) && (hole == null || !hole.contains(p));
    }

    boolean nearEdge(double[] p) {
      return outer.nearEdge(p) || (hole != null && hole.nearEdge(p));
    }
  }

  /**
   * Vertices on a small circle of angular radius {@code radiusDeg} around {@code center}, at
   * increasing bearings less than 180° apart: a convex spherical polygon. Returned as
   * [lat, lon] degrees, counter-clockwise seen from outside the sphere.
   */
  private static List<double[]> ring(double[] center, double radiusDeg, double[] bearings) {
    double[] c = unit(center[0], center[1]);
    double[] axis = Math.abs(c[2]) > 0.9 ? new double[] {1, 0, 0} : new double[] {0, 0, 1};
    double[] u = normalize(cross(axis, c));
    double[] v = cross(c, u);
    double r = Math.toRadians(radiusDeg);
    List<double[]> ring = new ArrayList<>();
    for (double bearing : bearings) {
      double t = Math.toRadians(bearing);
      double[] p = new double[3];
      for (int i = 0; i < 3; i++) {
        p[i] = Math.cos(r) * c[i] + Math.sin(r) * (Math.cos(t) * u[i] + Math.sin(t) * v[i]);
      }
      ring.add(new double[] {Math.toDegrees(Math.atan2(p[2], Math.hypot(p[0], p[1]))), Math.toDegrees(Math.atan2(p[1], p[0]))});
    }
    double[] a = unit(ring.get(0)[0], ring.get(0)[1]);
    double[] b = unit(ring.get(1)[0], ring.get(1)[1]);
    if (dot(cross(a, b), c) < 0) {
      Collections.reverse(ring);
    }
    return ring;
  }

  private static JsonArray geoJsonRing(List<double[]> latLons) {
    JsonArray ring = new JsonArray();
    for (double[] ll : latLons) {
      ring.add(new JsonArray().add(ll[1]).add(ll[0]));
    }
    ring.add(new JsonArray().add(latLons.get(0)[1]).add(latLons.get(0)[0]));
    return ring;
  }

  private static ConvexLoop loopOf(List<double[]> latLons) {
    return ConvexLoop.of(latLons.stream().map(ll -> unit(ll[0], ll[1])).toList());
  }

  private static Quad quad(Random rnd, double[] center, double radiusDeg, boolean withHole) {
    double start = 360 * rnd.nextDouble();
    double jitter = withHole ? 15 : 35;
    double[] bearings = new double[4];
    for (int i = 0; i < 4; i++) {
      bearings[i] = start + 90 * i + jitter * (2 * rnd.nextDouble() - 1);
    }
    List<double[]> outer = ring(center, radiusDeg, bearings);
    JsonArray rings = new JsonArray().add(geoJsonRing(outer));
    ConvexLoop hole = null;
    if (withHole) {
      double[] holeBearings = {start + 45, start + 135, start + 225, start + 315};
      List<double[]> inner = ring(center, radiusDeg / 3, holeBearings);
      List<double[]> clockwise = new ArrayList<>(inner);
      Collections.reverse(clockwise);
      rings.add(geoJsonRing(clockwise)); // RFC 7946: holes clockwise
      hole = loopOf(inner);
    }
    return new Quad(new JsonObject().put("type", "Polygon").put("coordinates", rings), loopOf(outer), hole);
  }

  @Test
  @DisplayName("polygons, with and without a hole, page through exactly the oracle's records")
  void polygons() {
    Random rnd = new Random(SEED * 31 + 5);
    Failures failures = new Failures("polygon");
    for (int q = 0; q < 50; q++) {
      double[] c = q == 0 ? new double[] {90, 0} : q == 1 ? new double[] {-17, 180} : center(rnd);
      double radiusDeg = q < 2 ? 0.3 : logUniform(rnd, 0.001, 10);
      boolean withHole = q < 2 || q % 6 == 0;
      Quad quad = quad(rnd, c, radiusDeg, withHole);
      Expected expected =
          oracle(c[0], c[1], p -> quad.contains(p.xyz()), p -> quad.nearEdge(p.xyz()), Sort.DISTANCE, p -> true);
      int limit = limit(rnd, expected.ids().size() + expected.excluded().size());
      SearchCriteria criteria =
          new SearchCriteria(LAYER, SearchCriteria.polygon(quad.geometry()), limit, SearchOrder.DISTANCE, null, null, null, null);
      String ctx = context("polygon", q, criteria);
      failures.expect(expected);
      failures.check(() -> {
        int[] pages = new int[1];
        List<JsonObject> got = pageAll(ctx, criteria, () -> limit, pages);
        failures.pages += pages[0];
        assertRecordsIntact(ctx, got);
        assertSameSet(ctx, got, expected);
        for (int i = 1; i < got.size(); i++) {
          double before = got.get(i - 1).getDouble("distance");
          double now = got.get(i).getDouble("distance");
          int at = i;
          assertThat(before < now || (before == now && got.get(i - 1).getString("id").compareTo(got.get(i).getString("id")) < 0))
              .as(() -> String.format("%s: record %d at %.9f m comes after one at %.9f m", ctx, at, now, before))
              .isTrue();
        }
      });
    }
    failures.assertNone();
  }

  @Test
  @DisplayName("order=created and order=-created page through the circle's records by created, then id")
  void createdOrders() {
    Random rnd = new Random(SEED * 31 + 6);
    Failures failures = new Failures("created order");
    for (int q = 0; q < 60; q++) {
      Sort sort = q % 2 == 0 ? Sort.CREATED : Sort.NEWEST;
      SearchOrder order = sort == Sort.CREATED ? SearchOrder.CREATED : SearchOrder.NEWEST;
      double[] c = center(rnd);
      double radius = logUniform(rnd, 100, 2_000_000);
      Expected expected = circleOracle(c[0], c[1], radius, sort, p -> true);
      int limit = limit(rnd, expected.ids().size() + expected.excluded().size());
      SearchCriteria criteria = new SearchCriteria(LAYER, SearchCriteria.circle(c[0], c[1], radius), limit, order, null, null, null, null);
      String ctx = context("created order", q, criteria);
      failures.expect(expected);
      failures.check(() -> {
        int[] pages = new int[1];
        List<JsonObject> got = pageAll(ctx, criteria, () -> limit, pages);
        failures.pages += pages[0];
        assertRecordsIntact(ctx, got);
        assertSameSet(ctx, got, expected);
        assertThat(comparable(got, expected)).as("%s: order by %s, then id", ctx, order.wire).containsExactlyElementsOf(expected.ids());
      });
    }
    failures.assertNone();
  }

  /** A property filter and the oracle's reading of it. */
  record Filter(PropertyFilter filter, Predicate<Point> oracle) {}

  private static Filter propertyFilter(Random rnd, List<Point> members) {
    String kind = String.valueOf((char) ('a' + rnd.nextInt(4))); // "d" matches nothing
    int lo = members.isEmpty() || rnd.nextInt(4) == 0 ? rnd.nextInt(100) : members.get(rnd.nextInt(members.size())).n();
    int hi = lo + rnd.nextInt(40);
    return switch (rnd.nextInt(7)) {
      case 0 -> new Filter(PropertyFilter.of("kind", "string", kind, null, null), p -> p.kind().equals(kind));
      case 1 -> new Filter(PropertyFilter.of("n", "number", null, String.valueOf(lo), String.valueOf(hi)), p -> p.n() >= lo && p.n() <= hi);
      case 2 -> new Filter(PropertyFilter.of("n", "number", null, String.valueOf(lo), null), p -> p.n() >= lo);
      case 3 -> new Filter(PropertyFilter.of("n", "number", null, null, lo + ".5"), p -> p.n() <= lo + 0.5);
      case 4 -> new Filter(PropertyFilter.of("n", "number", String.valueOf(lo), null, null), p -> p.n() == lo);
      case 5 -> new Filter(PropertyFilter.of("kind", null, null, "b", "c"), p -> p.kind().compareTo("b") >= 0 && p.kind().compareTo("c") <= 0);
      default -> new Filter(null, p -> true);
    };
  }

  @Test
  @DisplayName("start/end and property filters keep exactly the records the oracle keeps")
  void filters() {
    Random rnd = new Random(SEED * 31 + 7);
    Failures failures = new Failures("filters");
    for (int q = 0; q < 60; q++) {
      int shape = rnd.nextInt(4);
      Point near = points.get(rnd.nextInt(points.size()));
      double[] c = rnd.nextInt(10) < 7 ? new double[] {near.lat(), near.lon()} : center(rnd);
      double radius = logUniform(rnd, 300_000, 5_000_000);
      double half = logUniform(rnd, 1, 40);
      double sLat = Math.max(-90, c[0] - half);
      double nLat = Math.min(90, c[0] + half);
      double w = c[1] - half < -180 ? c[1] - half + 360 : c[1] - half;
      double east = c[1] + half > 180 ? c[1] + half - 360 : c[1] + half;
      Sort sort = shape == 2 ? Sort.NEWEST : Sort.DISTANCE;
      SearchOrder order = shape == 2 ? SearchOrder.NEWEST : SearchOrder.DISTANCE;
      JsonObject area = shape == 3 ? SearchCriteria.rect(sLat, w, nLat, east) : SearchCriteria.circle(c[0], c[1], radius);
      Function<Predicate<Point>, Expected> oracle =
          keep -> shape == 3 ? rectOracle(sLat, w, nLat, east, sort, keep) : circleOracle(c[0], c[1], radius, sort, keep);

      // Bounds taken from the records in the area, so that the inclusive edges are hit.
      List<Point> members = oracle.apply(p -> true).ids().stream().map(byId::get).toList();
      Random pick = rnd;
      LongSupplier someCreated =
          () -> members.isEmpty() ? 1_000_000_000L + pick.nextInt(800_000_000) : members.get(pick.nextInt(members.size())).created();
      Long start = rnd.nextInt(10) < 6 ? someCreated.getAsLong() : null;
      Long end = rnd.nextInt(10) < 6 ? someCreated.getAsLong() : null;
      if (start != null && end != null && end < start) {
        Long swap = start;
        start = end;
        end = swap;
      }
      if (q % 5 == 0) { // a single second
        start = someCreated.getAsLong();
        end = start;
      }
      Filter filter = propertyFilter(rnd, members);
      Long s = start;
      Long e = end;
      Expected expected =
          oracle.apply(p -> (s == null || p.created() >= s) && (e == null || p.created() <= e) && filter.oracle().test(p));
      int limit = limit(rnd, expected.ids().size() + expected.excluded().size());
      SearchCriteria criteria = new SearchCriteria(LAYER, area, limit, order, start, end, filter.filter(), null);
      String ctx = context("filters", q, criteria);
      failures.expect(expected);
      failures.check(() -> {
        int[] pages = new int[1];
        List<JsonObject> got = pageAll(ctx, criteria, () -> limit, pages);
        failures.pages += pages[0];
        assertRecordsIntact(ctx, got);
        assertSameSet(ctx, got, expected);
        if (order == SearchOrder.DISTANCE) {
          assertDistanceOrder(ctx, got, expected.distance());
          assertOrderModuloTies(ctx, comparable(got, expected), expected.ids(), expected.distance()::get);
        } else {
          assertThat(comparable(got, expected)).as("%s: newest first, then id", ctx).containsExactlyElementsOf(expected.ids());
        }
      });
    }
    failures.assertNone();
  }

  /** Whether a search is refused with {@link Failure} 400, thrown or as a failed future. */
  private static Throwable refusal(SearchCriteria criteria) {
    Future<SpatialSearch.Page> future = runOnce(criteria);
    return future.failed() ? future.cause() : null;
  }

  @Test
  @DisplayName("a cursor is refused with a 400 Failure by any other query, and garbage cursors are refused too")
  void foreignAndGarbageCursors() {
    Random rnd = new Random(SEED * 31 + 8);
    Failures failures = new Failures("cursors");
    JsonObject dupCircle = SearchCriteria.circle(DUP_LAT, DUP_LON, 10.0);
    SearchCriteria base = new SearchCriteria(LAYER, dupCircle, 3, SearchOrder.DISTANCE, null, null, null, null);
    String cursor = page("cursor source", base).nextCursor();
    assertThat(cursor).as("fifty records, three a page: there is a next page").isNotNull();

    // The same query with another page size keeps its cursor.
    SpatialSearch.Page again = page("same query, limit 5", withCursor(base, 5, cursor));
    assertThat(again.records().size()).isEqualTo(5);

    List<SearchCriteria> others = new ArrayList<>();
    others.add(new SearchCriteria(LAYER, SearchCriteria.circle(DUP_LAT, DUP_LON, 11.0), 3, SearchOrder.DISTANCE, null, null, null, cursor));
    others.add(new SearchCriteria(LAYER, SearchCriteria.circle(DUP_LAT + 1e-6, DUP_LON, 10.0), 3, SearchOrder.DISTANCE, null, null, null, cursor));
    others.add(new SearchCriteria(LAYER, SearchCriteria.circle(DUP_LAT, DUP_LON, null), 3, SearchOrder.DISTANCE, null, null, null, cursor));
    others.add(new SearchCriteria(LAYER, dupCircle, 3, SearchOrder.CREATED, null, null, null, cursor));
    others.add(new SearchCriteria(LAYER, dupCircle, 3, SearchOrder.NEWEST, null, null, null, cursor));
    others.add(new SearchCriteria(LAYER, dupCircle, 3, SearchOrder.DISTANCE, 0L, null, null, cursor));
    others.add(new SearchCriteria(LAYER, dupCircle, 3, SearchOrder.DISTANCE, null, 9_999_999_999L, null, cursor));
    others.add(new SearchCriteria(LAYER, dupCircle, 3, SearchOrder.DISTANCE, null, null, PropertyFilter.of("kind", "string", "a", null, null), cursor));
    others.add(new SearchCriteria("another.layer", dupCircle, 3, SearchOrder.DISTANCE, null, null, null, cursor));
    others.add(new SearchCriteria(LAYER, SearchCriteria.rect(DUP_LAT - 1, DUP_LON - 1, DUP_LAT + 1, DUP_LON + 1), 3, SearchOrder.DISTANCE, null, null, null, cursor));
    others.add(new SearchCriteria(LAYER, SearchCriteria.polygon(quad(rnd, new double[] {DUP_LAT, DUP_LON}, 0.5, false).geometry()), 3, SearchOrder.DISTANCE, null, null, null, cursor));
    for (int i = 0; i < 10; i++) {
      double[] c = center(rnd);
      others.add(new SearchCriteria(LAYER, SearchCriteria.circle(c[0], c[1], logUniform(rnd, 1, 1e6)), 3, SearchOrder.DISTANCE, null, null, null, cursor));
    }
    for (int q = 0; q < others.size(); q++) {
      SearchCriteria other = others.get(q);
      String ctx = context("foreign cursor", q, other);
      failures.check(() ->
          assertThat(refusal(other)).as("%s: a cursor of %s is refused", ctx, base.toJson().encode()).isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400)));
    }

    byte[] noise = new byte[24];
    rnd.nextBytes(noise);
    String[] garbage = {
      "",
      "not a cursor!",
      "%%%",
      "AAAA",
      Base64.getUrlEncoder().withoutPadding().encodeToString(noise),
      encode("s1:" + base.fingerprint()),
      encode("s1:" + base.fingerprint() + ":zz:id"),
      encode("s1:x:0:id"),
      encode("s2:" + base.fingerprint() + ":0:id"),
      encode("s1:" + base.fingerprint() + ":" + Long.toHexString(Double.doubleToLongBits(1.0))), // no id
      cursor + "*",
      cursor.substring(0, cursor.length() / 2) + "=" + cursor.substring(cursor.length() / 2),
    };
    for (int q = 0; q < garbage.length; q++) {
      SearchCriteria bad = withCursor(base, 3, garbage[q]);
      String ctx = context("garbage cursor", q, bad);
      failures.check(() -> assertThat(refusal(bad)).as("%s: refused", ctx).isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400)));
    }
    failures.assertNone();
  }

  private static String encode(String text) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
