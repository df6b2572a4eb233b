package io.locus.serving;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.RunningNode;
import io.locus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The serving tier end to end: a node that answers from memory once a layer is warm, against a
 * second node on the same RabbitMQ and Cassandra with the tier off, which answers every query
 * from Cassandra. Both must give the same answers; changes must reach memory through the feed.
 */
@DisplayName("The in-memory serving tier answers as Cassandra does and follows the change feed")
class ServingIT {
  private static final long SEED = 20261201L;
  private static final int POINTS = 300;
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  @RegisterExtension static final RunningNode NODE = new RunningNode();
  private static TestNode cassandraOnly;
  private static String layer;

  @BeforeAll
  static void load() {
    cassandraOnly =
        TestNode.start(
            Map.of(
                "LOCUS_HTTP_PORT", String.valueOf(TestNode.PORT + 1),
                "LOCUS_ROLES", "api,query",
                "LOCUS_SERVING_ENABLED", "false"));
    layer = NODE.http().newLayer("it.serving.");
    Random random = new Random(SEED);
    List<JsonObject> features = new ArrayList<>();
    for (int i = 0; i < POINTS; i++) {
      double lat = 48.8566 + random.nextGaussian() * 0.05;
      double lon = 2.3522 + random.nextGaussian() * 0.05;
      features.add(feature("p" + i, lat, lon, 1_300_000_000L + random.nextInt(100_000_000), new JsonObject().put("kind", "abc".substring(i % 3, i % 3 + 1)).put("n", i % 10)));
    }
    for (int from = 0; from < POINTS; from += 100) {
      JsonObject collection = new JsonObject().put("type", "FeatureCollection").put("features", new JsonArray(new ArrayList<>(features.subList(from, from + 100))));
      assertThat(NODE.http().post("/0.1/records/" + layer + ".json", collection).status()).isEqualTo(202);
    }
    Eventually.await(PATIENCE, () -> count(cassandraOnly.http), n -> n == POINTS);
    NODE.http().get(nearby(48.8566, 2.3522, "radius=1"));
    awaitInMemory(POINTS);
  }

  @AfterAll
  static void stop() {
    if (cassandraOnly != null) {
      cassandraOnly.close();
    }
  }

  private static JsonObject feature(String id, double lat, double lon, long created, JsonObject properties) {
    return new JsonObject()
        .put("type", "Feature")
        .put("id", id)
        .put("created", created)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
        .put("properties", properties);
  }

  private static String nearby(double lat, double lon, String query) {
    return "/0.1/records/" + layer + "/nearby/" + lat + "," + lon + ".json?" + query;
  }

  private static int count(Http http) {
    Response all = http.get(nearby(48.8566, 2.3522, "radius=100&limit=500"));
    return all.status() == 200 ? all.json().getJsonArray("features").size() : -1;
  }

  private static void awaitInMemory(int records) {
    Eventually.await(
        PATIENCE,
        () -> held(layer),
        held -> "warm".equals(held.getString("state")) && held.getInteger("records", -1) == records);
  }

  /** The answer's text with the node's own links made alike, so two nodes' answers compare. */
  private static String comparable(Response answer, int port) {
    return answer.status() + " " + answer.body().replace("127.0.0.1:" + port, "NODE");
  }

  @Test
  @DisplayName("nearby, k-nearest, geohash, within, filters, orders, cursors and multi-get answer the same from memory as from Cassandra")
  void sameAnswers() {
    List<String> queries = new ArrayList<>();
    String base = "/0.1/records/" + layer;
    for (String radius : new String[] {"0.5", "2", "10"}) {
      for (String limit : new String[] {"1", "20", "500"}) {
        queries.add(nearby(48.86, 2.35, "radius=" + radius + "&limit=" + limit));
      }
    }
    queries.add(nearby(48.86, 2.35, "limit=20"));
    queries.add(nearby(10.0, 10.0, "limit=5"));
    queries.add(nearby(48.86, 2.35, "radius=5&order=created&limit=30"));
    queries.add(nearby(48.86, 2.35, "radius=5&order=-created&limit=30"));
    queries.add(nearby(48.86, 2.35, "radius=5&start=1330000000&end=1370000000"));
    queries.add(nearby(48.86, 2.35, "radius=5&prop.name=kind&prop.equals=b"));
    queries.add(nearby(48.86, 2.35, "radius=5&prop.name=n&prop.type=number&prop.start=3&prop.end=6"));
    queries.add(base + "/nearby/u09t.json?limit=100");
    queries.add(base + "/within/48.8,2.3,48.9,2.4.json?limit=100");
    queries.add(base + "/p1,p2,p3,missing,p299.json");
    queries.add(base + "/p7.json");
    queries.add(base + "/missing.json");
    for (String query : queries) {
      assertThat(comparable(NODE.http().get(query), TestNode.PORT))
          .as(query)
          .isEqualTo(comparable(cassandraOnly.http.get(query), TestNode.PORT + 1));
    }
    String polygon = "{\"type\":\"Polygon\",\"coordinates\":[[[2.30,48.82],[2.40,48.82],[2.40,48.90],[2.30,48.82]]]}";
    assertThat(comparable(NODE.http().post(base + "/within.json?limit=200", polygon), TestNode.PORT))
        .isEqualTo(comparable(cassandraOnly.http.post(base + "/within.json?limit=200", polygon), TestNode.PORT + 1));
    String next = nearby(48.86, 2.35, "radius=10&limit=7");
    for (int page = 0; page < 5; page++) {
      Response memory = NODE.http().get(next);
      Response cassandra = cassandraOnly.http.get(next);
      assertThat(comparable(memory, TestNode.PORT)).as("page %d", page).isEqualTo(comparable(cassandra, TestNode.PORT + 1));
      next = nearby(48.86, 2.35, "radius=10&limit=7&cursor=" + memory.json().getString("next_cursor"));
    }
  }

  @Test
  @DisplayName("a write, a move and a delete reach memory through the change feed after their 202")
  void followsTheFeed() {
    String base = "/0.1/records/" + layer;
    assertThat(NODE.http().put(base + "/fresh.json", feature("fresh", 48.87, 2.36, 1_400_000_000L, new JsonObject().put("kind", "z")).encode()).status()).isEqualTo(202);
    awaitInMemory(POINTS + 1);
    assertThat(NODE.http().get(base + "/fresh.json").json().getJsonObject("properties").getString("kind")).isEqualTo("z");

    assertThat(NODE.http().put(base + "/fresh.json", feature("fresh", 10.0, 10.0, 1_400_000_100L, new JsonObject().put("kind", "moved")).encode()).status()).isEqualTo(202);
    Eventually.await(
        PATIENCE,
        () -> NODE.http().get(nearby(10.0, 10.0, "radius=1")).json().getJsonArray("features"),
        features -> features.size() == 1);
    assertThat(NODE.http().get(nearby(48.87, 2.36, "radius=0.05")).json().getJsonArray("features").stream()
            .map(JsonObject.class::cast).map(f -> f.getString("id")))
        .doesNotContain("fresh");

    assertThat(NODE.http().delete(base + "/fresh.json").status()).isEqualTo(202);
    awaitInMemory(POINTS);
    assertThat(NODE.http().get(base + "/fresh.json").status()).isEqualTo(404);
    assertThat(comparable(NODE.http().get(nearby(10.0, 10.0, "radius=1")), TestNode.PORT))
        .isEqualTo(comparable(cassandraOnly.http.get(nearby(10.0, 10.0, "radius=1")), TestNode.PORT + 1));
  }

  @Test
  @DisplayName("deleting a layer purges it from memory, and a layer made again under its name starts empty")
  void layerDeletePurgesMemory() {
    String doomed = NODE.http().newLayer("it.serving.doomed.");
    String path = "/0.1/records/" + doomed + "/d1.json";
    assertThat(NODE.http().put(path, feature("d1", 1.0, 1.0, 1_400_000_000L, new JsonObject()).encode()).status()).isEqualTo(202);
    NODE.http().awaitStatus(path, 200);
    String near = "/0.1/records/" + doomed + "/nearby/1.0,1.0.json?radius=1";
    Eventually.await(PATIENCE, () -> held(doomed), h -> "warm".equals(h.getString("state")) && h.getInteger("records", -1) == 1);
    assertThat(NODE.http().delete("/0.1/layers/" + doomed + ".json").status()).isEqualTo(200);
    Eventually.await(PATIENCE, () -> held(doomed), h -> h.getInteger("records", -1) == 0);
    assertThat(NODE.http().put("/0.1/layers/" + doomed + ".json", "{}").status()).isEqualTo(200);
    assertThat(NODE.http().get(near).json().getJsonArray("features")).isEmpty();
  }

  @Test
  @DisplayName("two serving nodes converge to the contents Cassandra holds; writes show in memory about as soon as there")
  void twoNodesConverge() {
    TestNode second = TestNode.start(Map.of("LOCUS_HTTP_PORT", String.valueOf(TestNode.PORT + 2), "LOCUS_ROLES", "api,query"));
    try {
      String shared = NODE.http().newLayer("it.serving.two.");
      String base = "/0.1/records/" + shared;
      Random random = new Random(SEED + 2);
      JsonArray features = new JsonArray();
      for (int i = 0; i < 100; i++) {
        features.add(feature("t" + i, 40 + random.nextGaussian() * 0.05, -3.7 + random.nextGaussian() * 0.05, 1_400_000_000L, new JsonObject().put("n", i)));
      }
      assertThat(NODE.http().post(base + ".json", new JsonObject().put("type", "FeatureCollection").put("features", features)).status()).isEqualTo(202);
      Eventually.await(PATIENCE, () -> cassandraOnly.http.get(base + "/t99.json").status(), status -> status == 200);
      for (Http node : List.of(NODE.http(), second.http)) {
        Eventually.await(PATIENCE, () -> held(node, shared), h -> "warm".equals(h.getString("state")) && h.getInteger("records", -1) == 100);
      }

      // Moves, one at a time: how long after its 202 each shows in memory, and in Cassandra.
      List<Long> memoryMs = new ArrayList<>();
      List<Long> cassandraMs = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        double lat = 41 + i * 0.01;
        assertThat(NODE.http().put(base + "/t" + i + ".json", feature("t" + i, lat, -3.7, 1_400_000_001L, new JsonObject()).encode()).status()).isEqualTo(202);
        long accepted = System.nanoTime();
        Long inMemory = null;
        Long inCassandra = null;
        while (inMemory == null || inCassandra == null) {
          long now = System.nanoTime();
          assertThat(now - accepted).as("move %d visible within %s", i, PATIENCE).isLessThan(PATIENCE.toNanos());
          if (inMemory == null && at(NODE.http(), base + "/t" + i + ".json", lat)) {
            inMemory = (System.nanoTime() - accepted) / 1_000_000;
          }
          if (inCassandra == null && at(cassandraOnly.http, base + "/t" + i + ".json", lat)) {
            inCassandra = (System.nanoTime() - accepted) / 1_000_000;
          }
        }
        memoryMs.add(inMemory);
        cassandraMs.add(inCassandra);
      }
      System.out.printf(
          "ServingIT: visible after the 202 (ms, 20 moves): memory p50 %d p99 %d; Cassandra p50 %d p99 %d%n",
          percentile(memoryMs, 50), percentile(memoryMs, 99), percentile(cassandraMs, 50), percentile(cassandraMs, 99));

      // A burst: deletes, new records and moves, then every node's whole layer must agree.
      JsonArray burst = new JsonArray();
      for (int i = 0; i < 30; i++) {
        burst.add(feature("t" + (50 + i), 40.5 + i * 0.001, -3.5, 1_400_000_002L, new JsonObject().put("moved", true)));
        burst.add(feature("u" + i, 39.9 - i * 0.001, -3.9, 1_400_000_002L, new JsonObject()));
      }
      assertThat(NODE.http().post(base + ".json", new JsonObject().put("type", "FeatureCollection").put("features", burst)).status()).isEqualTo(202);
      for (int i = 20; i < 30; i++) {
        assertThat(NODE.http().delete(base + "/t" + i + ".json").status()).isEqualTo(202);
      }
      String all = "/0.1/records/" + shared + "/nearby/40.0,-3.7.json?radius=500&limit=500";
      String truth =
          Eventually.await(
              PATIENCE,
              () -> cassandraOnly.http.get(all),
              // 120 records once the deletes are in; the moves of the same burst may land later
              r -> r.status() == 200 && r.json().getJsonArray("features").size() == 120 && moved(r) == 30)
              .body().replace("127.0.0.1:" + (TestNode.PORT + 1), "NODE");
      for (var node : List.of(Map.entry(NODE.http(), TestNode.PORT), Map.entry(second.http, TestNode.PORT + 2))) {
        Eventually.await(PATIENCE, () -> comparable(node.getKey().get(all), node.getValue()), answer -> answer.equals("200 " + truth));
        assertThat(node.getKey().served(shared).getInteger("records")).isEqualTo(120);
      }
    } finally {
      second.close();
    }
  }

  /** How many features of a search answer carry the burst's {@code moved} property. */
  private static long moved(Response answer) {
    return answer.json().getJsonArray("features").stream()
        .filter(f -> ((JsonObject) f).getJsonObject("properties").getBoolean("moved", false))
        .count();
  }

  /** Whether the record at {@code path} stands at latitude {@code lat}. */
  private static boolean at(Http http, String path, double lat) {
    Response record = http.get(path);
    return record.status() == 200
        && record.json().getJsonObject("geometry").getJsonArray("coordinates").getDouble(1) == lat;
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  /** The layer's state and record count in the serving node's memory (after a query that asks for it), from /health/ready. */
  @Test
  @DisplayName("a layer spread over thousands of index partitions loads into memory whole")
  void loadsAWideLayer() {
    String wide = NODE.http().newLayer("it.serving.wide.");
    Random random = new Random(SEED + 1);
    int points = 6_000;
    for (int from = 0; from < points; from += 100) {
      JsonArray features = new JsonArray();
      for (int i = from; i < from + 100; i++) {
        double lat = Math.toDegrees(Math.asin(random.nextDouble() * 2 - 1));
        features.add(feature("w" + i, lat, random.nextDouble() * 360 - 180, 1_400_000_000L, new JsonObject()));
      }
      assertThat(NODE.http().post("/0.1/records/" + wide + ".json", new JsonObject().put("type", "FeatureCollection").put("features", features)).status())
          .isEqualTo(202);
    }
    Eventually.await(
        Duration.ofSeconds(60),
        () -> cassandraOnly.http.get("/0.1/records/" + wide + "/w" + (points - 1) + ".json").status(),
        status -> status == 200);
    Eventually.await(
        Duration.ofSeconds(60),
        () -> held(wide),
        h -> "warm".equals(h.getString("state")) && h.getInteger("records", -1) == points);
  }

  private static JsonObject held(String name) {
    return held(NODE.http(), name);
  }

  /** The layer's state and record count in a node's memory, after a query that asks it to hold the layer. */
  private static JsonObject held(Http http, String name) {
    http.get("/0.1/records/" + name + "/nearby/1.0,1.0.json?radius=1");
    return http.served(name);
  }
}
