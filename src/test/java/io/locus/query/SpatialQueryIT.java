package io.locus.query;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.RunningNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.Http.Response;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Nearby and within over HTTP against real Cassandra, checked against a brute-force oracle. */
@DisplayName("Spatial queries over HTTP agree with a brute-force oracle")
class SpatialQueryIT {
  private static final long SEED = Long.getLong("locus.seed", 20261126L);
  private static final double R = 6_371_008.8;
  @RegisterExtension static final RunningNode NODE = new RunningNode();
  private static String layer;
  private static final List<Point> POINTS = new ArrayList<>();

  record Point(String id, double lat, double lon, long created, String kind) {}

  @BeforeAll
  static void load() {
    layer = NODE.http().newLayer("it.geo.");
    Random random = new Random(SEED);
    for (int i = 0; i < 700; i++) {
      double lat;
      double lon;
      switch (i % 7) {
        case 0 -> { lat = 89.9 + random.nextDouble() * 0.1; lon = random.nextDouble() * 360 - 180; }
        case 1 -> { lat = random.nextDouble() * 20 - 10; lon = random.nextBoolean() ? 179.9 + random.nextDouble() * 0.1 : -180 + random.nextDouble() * 0.1; }
        case 2 -> { lat = random.nextGaussian() * 0.001; lon = random.nextDouble() * 40; }
        case 3 -> { lat = 48.8566 + random.nextGaussian() * 0.02; lon = 2.3522 + random.nextGaussian() * 0.02; }
        case 4 -> { lat = -33.86; lon = 151.21; }
        default -> { lat = Math.toDegrees(Math.asin(random.nextDouble() * 2 - 1)); lon = random.nextDouble() * 360 - 180; }
      }
      POINTS.add(new Point("p" + i, lat, lon, 1_300_000_000L + random.nextInt(100_000_000), "abc".substring(i % 3, i % 3 + 1)));
    }
    for (int from = 0; from < POINTS.size(); from += 100) {
      JsonArray features = new JsonArray();
      for (Point p : POINTS.subList(from, Math.min(POINTS.size(), from + 100))) {
        features.add(
            new JsonObject()
                .put("type", "Feature")
                .put("id", p.id())
                .put("created", p.created())
                .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(p.lon()).add(p.lat())))
                .put("properties", new JsonObject().put("kind", p.kind()).put("n", Integer.parseInt(p.id().substring(1)) % 100)));
      }
      assertThat(NODE.http().post("/0.1/records/" + layer, new JsonObject().put("type", "FeatureCollection").put("features", features)).status())
          .isEqualTo(202);
    }
    Eventually.await(Duration.ofSeconds(60), () -> pageAll("/0.1/records/" + layer + "/within/-90,-180,90,180.json?limit=500").size(),
        n -> n == POINTS.size());
  }

  static double haversine(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.toRadians(lat2 - lat1);
    double dLon = Math.toRadians(lon2 - lon1);
    double a = Math.pow(Math.sin(dLat / 2), 2)
        + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * Math.pow(Math.sin(dLon / 2), 2);
    return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
  }

  /** Follows next_cursor to the end; returns every feature in answer order. */
  static List<JsonObject> pageAll(String path) {
    List<JsonObject> all = new ArrayList<>();
    String cursor = null;
    for (int pages = 0; pages < 1_000; pages++) {
      Response response = NODE.http().get(path + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(response.status()).as(response.body()).isEqualTo(200);
      JsonObject page = response.json();
      page.getJsonArray("features").forEach(f -> all.add((JsonObject) f));
      cursor = page.getString("next_cursor");
      if (cursor == null) {
        return all;
      }
    }
    throw new AssertionError("more than 1000 pages");
  }

  private static List<String> ids(List<JsonObject> features) {
    return features.stream().map(f -> f.getString("id")).toList();
  }

  @Test
  @DisplayName("nearby with a radius pages through exactly the oracle's records, nearest first, no duplicates")
  void nearbyMatchesOracle() {
    Random random = new Random(SEED + 1);
    for (int q = 0; q < 24; q++) {
      Point at = POINTS.get(random.nextInt(POINTS.size()));
      double lat = q % 2 == 0 ? at.lat() : Math.toDegrees(Math.asin(random.nextDouble() * 2 - 1));
      double lon = q % 2 == 0 ? at.lon() : random.nextDouble() * 360 - 180;
      double radiusKm = Math.pow(10, -3 + random.nextDouble() * 6); // 1 m .. 1000 km
      int limit = 1 + random.nextInt(40);
      String where = String.format(Locale.ROOT, "%.7f,%.7f", lat, lon);
      double cLat = Double.parseDouble(where.split(",")[0]);
      double cLon = Double.parseDouble(where.split(",")[1]);
      List<JsonObject> answer = pageAll(String.format(Locale.ROOT,
          "/0.1/records/%s/nearby/%s.json?radius=%.9f&limit=%d", layer, where, radiusKm, limit));
      double radiusM = radiusKm * 1000;
      double slack = radiusM * 1e-6 + 1e-3;
      Set<String> ambiguous = new HashSet<>();
      List<Point> expected = new ArrayList<>();
      for (Point p : POINTS) {
        double d = haversine(cLat, cLon, p.lat(), p.lon());
        if (Math.abs(d - radiusM) <= slack) {
          ambiguous.add(p.id());
        } else if (d < radiusM) {
          expected.add(p);
        }
      }
      expected.sort(Comparator.comparingDouble((Point p) -> haversine(cLat, cLon, p.lat(), p.lon())).thenComparing(Point::id));
      List<String> got = ids(answer).stream().filter(id -> !ambiguous.contains(id)).toList();
      String context = "seed " + SEED + " query " + q + " at " + where + " radius " + radiusKm + " km limit " + limit;
      assertThat(new HashSet<>(ids(answer))).as(context + ": duplicates").hasSize(answer.size());
      assertThat(new HashSet<>(got)).as(context).isEqualTo(new HashSet<>(expected.stream().map(Point::id).toList()));
      for (int i = 1; i < answer.size(); i++) {
        assertThat(answer.get(i).getDouble("distance")).as(context).isGreaterThanOrEqualTo(answer.get(i - 1).getDouble("distance"));
      }
    }
  }

  @Test
  @DisplayName("without a radius nearby answers the k nearest records")
  void kNearest() {
    double lat = 48.85;
    double lon = 2.35;
    List<JsonObject> answer = NODE.http().get("/0.1/records/" + layer + "/nearby/48.85,2.35.json?limit=25").json()
        .getJsonArray("features").stream().map(f -> (JsonObject) f).toList();
    List<Double> oracle = POINTS.stream().map(p -> haversine(lat, lon, p.lat(), p.lon())).sorted().limit(25).toList();
    assertThat(answer).hasSize(25);
    for (int i = 0; i < 25; i++) {
      assertThat(answer.get(i).getDouble("distance")).isCloseTo(oracle.get(i), org.assertj.core.data.Offset.offset(0.01));
    }
  }

  @Test
  @DisplayName("a bounding box across the antimeridian answers exactly the records inside it")
  void boxAcrossAntimeridian() {
    List<JsonObject> answer = pageAll("/0.1/records/" + layer + "/within/-5,179.95,5,-179.95.json?limit=37");
    Set<String> expected = new HashSet<>();
    for (Point p : POINTS) {
      if (p.lat() >= -5 && p.lat() <= 5 && (p.lon() >= 179.95 || p.lon() <= -179.95)) {
        expected.add(p.id());
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(new HashSet<>(ids(answer))).isEqualTo(expected);
    assertThat(answer).hasSameSizeAs(expected);
  }

  @Test
  @DisplayName("a polygon with a hole answers the records inside it and not those in the hole")
  void polygonWithHole() {
    JsonObject polygon = new JsonObject()
        .put("type", "Polygon")
        .put("coordinates", new JsonArray()
            .add(ring(2.25, 48.75, 2.45, 48.95))
            .add(ring(2.34, 48.84, 2.36, 48.86)));
    JsonObject page = NODE.http().post("/0.1/records/" + layer + "/within.json?limit=500", polygon).json();
    Set<String> expected = new HashSet<>();
    for (Point p : POINTS) {
      boolean outer = p.lon() > 2.25 && p.lon() < 2.45 && p.lat() > 48.75 && p.lat() < 48.95;
      boolean hole = p.lon() > 2.34 && p.lon() < 2.36 && p.lat() > 48.84 && p.lat() < 48.86;
      if (outer && !hole) {
        expected.add(p.id());
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(new HashSet<>(ids(page.getJsonArray("features").stream().map(f -> (JsonObject) f).toList())))
        .isEqualTo(expected);
  }

  private static JsonArray ring(double west, double south, double east, double north) {
    return new JsonArray()
        .add(new JsonArray().add(west).add(south))
        .add(new JsonArray().add(east).add(south))
        .add(new JsonArray().add(east).add(north))
        .add(new JsonArray().add(west).add(north))
        .add(new JsonArray().add(west).add(south));
  }

  @Test
  @DisplayName("filters on created and on a property, and created order, do what the oracle says")
  void filtersAndOrder() {
    long start = 1_330_000_000L;
    long end = 1_370_000_000L;
    List<JsonObject> answer = pageAll("/0.1/records/" + layer
        + "/nearby/48.8566,2.3522.json?radius=50&limit=30&order=-created&start=" + start + "&end=" + end
        + "&prop.name=kind&prop.type=string&prop.equals=b");
    List<Point> expected = POINTS.stream()
        .filter(p -> haversine(48.8566, 2.3522, p.lat(), p.lon()) < 50_000)
        .filter(p -> p.created() >= start && p.created() <= end && p.kind().equals("b"))
        .sorted(Comparator.comparingLong(Point::created).reversed().thenComparing(Point::id))
        .toList();
    assertThat(expected).isNotEmpty();
    assertThat(ids(answer)).isEqualTo(expected.stream().map(Point::id).toList());
  }

  @Test
  @DisplayName("radius 0 finds exactly the records at that very point")
  void radiusZero() {
    List<JsonObject> answer = pageAll("/0.1/records/" + layer + "/nearby/-33.86,151.21.json?radius=0&limit=500");
    long expected = POINTS.stream().filter(p -> p.lat() == -33.86 && p.lon() == 151.21).count();
    assertThat(answer).hasSize((int) expected);
    assertThat(answer).allSatisfy(f -> assertThat(f.getDouble("distance")).isZero());
  }

  @Test
  @DisplayName("bad radius, limit or cursor answers 400; an unknown layer 404; an empty layer an empty page")
  void edgeCases() {
    String base = "/0.1/records/" + layer + "/nearby/10,10.json";
    assertThat(NODE.http().get(base + "?radius=20016").status()).isEqualTo(400);
    assertThat(NODE.http().get(base + "?radius=-1").status()).isEqualTo(400);
    assertThat(NODE.http().get(base + "?radius=abc").status()).isEqualTo(400);
    assertThat(NODE.http().get(base + "?limit=501").status()).isEqualTo(400);
    assertThat(NODE.http().get(base + "?limit=0").status()).isEqualTo(400);
    assertThat(NODE.http().get(base + "?cursor=garbage").status()).isEqualTo(400);
    String foreign = NODE.http().get("/0.1/records/" + layer + "/nearby/48.85,2.35.json?limit=1").json().getString("next_cursor");
    assertThat(foreign).isNotNull();
    Response wrongQuery = NODE.http().get(base + "?limit=1&cursor=" + foreign);
    assertThat(wrongQuery.status()).isEqualTo(400);
    assertThat(wrongQuery.json().getString("message")).contains("cursor");
    assertThat(NODE.http().get("/0.1/records/" + layer + "/nearby/91,10.json").status()).isEqualTo(400);
    assertThat(NODE.http().get("/0.1/records/" + layer + "/within/10,10,5,20.json").status()).isEqualTo(400);
    assertThat(NODE.http().post("/0.1/records/" + layer + "/within.json", "{\"type\":\"Point\",\"coordinates\":[1,2]}").status()).isEqualTo(400);
    assertThat(NODE.http().get("/0.1/records/no.such.layer/nearby/10,10.json").status()).isEqualTo(404);
    String empty = NODE.http().newLayer("it.empty.");
    JsonObject none = NODE.http().get("/0.1/records/" + empty + "/nearby/10,10.json?radius=1000").json();
    assertThat(none.getJsonArray("features")).isEmpty();
    assertThat(none.getValue("next_cursor")).isNull();
    JsonObject noneKnn = NODE.http().get("/0.1/records/" + empty + "/nearby/10,10.json").json();
    assertThat(noneKnn.getJsonArray("features")).isEmpty();
  }
}
