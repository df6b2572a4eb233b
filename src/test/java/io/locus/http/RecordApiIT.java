package io.locus.http;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.RunningNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.Http.Response;
import io.locus.support.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Record and layer API, end to end through RabbitMQ and Cassandra")
class RecordApiIT {
  private static final Duration WITHIN = Duration.ofSeconds(20);
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  static JsonObject feature(Object lon, Object lat, long created, JsonObject properties) {
    return new JsonObject()
        .put("type", "Feature")
        .put("created", created)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
        .put("properties", properties);
  }

  static Response awaitStatus(String path, int status) {
    return NODE.http().awaitStatus(path, status);
  }

  @Test
  @DisplayName("a record written with PUT is answered 202 and then readable exactly as sent")
  void writeThenRead() {
    String layer = NODE.http().newLayer("it.");
    String body =
        "{\"type\":\"Feature\",\"created\":1300000000,\"geometry\":{\"type\":\"Point\","
            + "\"coordinates\":[\"-122.433287165\",37.7749]},\"properties\":{\"name\":\"café\",\"score\":1.10}}";
    Response put = NODE.http().put("/0.1/records/" + layer + "/r1.json", body);
    assertThat(put.status()).isEqualTo(202);

    JsonObject feature = awaitStatus("/0.1/records/" + layer + "/r1.json", 200).json();
    assertThat(feature.getString("type")).isEqualTo("Feature");
    assertThat(feature.getString("id")).isEqualTo("r1");
    assertThat(feature.getLong("created")).isEqualTo(1300000000L);
    String text = awaitStatus("/0.1/records/" + layer + "/r1", 200).body();
    assertThat(text).contains("\"coordinates\":[-122.433287165,37.7749]").contains("\"score\":1.10");
    assertThat(feature.getJsonObject("properties").getString("layer")).isEqualTo(layer);
    assertThat(feature.getJsonObject("properties").getString("name")).isEqualTo("café");
    assertThat(feature.getJsonObject("selfLink").getString("href"))
        .isEqualTo("http://127.0.0.1:" + TestNode.PORT + "/0.1/records/" + layer + "/r1.json");
    assertThat(feature.getJsonObject("layerLink").getString("href"))
        .isEqualTo("http://127.0.0.1:" + TestNode.PORT + "/0.1/layer/" + layer + ".json");
    String layerPath = java.net.URI.create(feature.getJsonObject("layerLink").getString("href")).getPath();
    assertThat(NODE.http().get(layerPath).json().getString("name")).as("the layerLink resolves").isEqualTo(layer);
  }

  @Test
  @DisplayName("an update moves the record, and history lists every position newest first")
  void updateMovesAndHistory() {
    String layer = NODE.http().newLayer("it.");
    String path = "/0.1/records/" + layer + "/walker";
    for (int i = 0; i < 5; i++) {
      assertThat(NODE.http().put(path, feature(10 + i, 20 + i, 1_400_000_000L + i, new JsonObject())).status()).isEqualTo(202);
    }
    Eventually.await(WITHIN, () -> NODE.http().get(path).json(),
        f -> f.getJsonObject("geometry").getJsonArray("coordinates").getInteger(0) == 14);

    JsonObject first = NODE.http().get(path + "/history.json?limit=2").json();
    assertThat(first.getString("type")).isEqualTo("GeometryCollection");
    assertThat(created(first)).containsExactly(1_400_000_004L, 1_400_000_003L);
    assertThat(first.getString("cursor")).as("the Java client's name for the cursor").isEqualTo(first.getString("next_cursor"));
    JsonObject second = NODE.http().get(path + "/history.json?limit=2&cursor=" + first.getString("next_cursor")).json();
    assertThat(created(second)).containsExactly(1_400_000_002L, 1_400_000_001L);
    JsonObject last = NODE.http().get(path + "/history?limit=2&cursor=" + second.getString("next_cursor")).json();
    assertThat(created(last)).containsExactly(1_400_000_000L);
    assertThat(last.getValue("next_cursor")).isNull();
    assertThat(last.getJsonArray("geometries").getJsonObject(0).getJsonArray("coordinates"))
        .isEqualTo(new JsonArray().add(10).add(20));

    double[][] visited = {{10, 20}, {11, 21}, {12, 22}, {13, 23}, {14, 24}};
    List<Long> cells = IndexRows.cellsOf(NODE.node(), layer, "walker", visited);
    assertThat(cells).as("index rows of the moved record").hasSize(1);
  }

  private static List<Long> created(JsonObject history) {
    return history.getJsonArray("geometries").stream().map(g -> ((JsonObject) g).getLong("created")).toList();
  }

  @Test
  @DisplayName("several ids in one GET answer a FeatureCollection of those found")
  void multiGet() {
    String layer = NODE.http().newLayer("it.");
    NODE.http().put("/0.1/records/" + layer + "/a", feature(1, 1, 1_500_000_000L, new JsonObject()));
    NODE.http().put("/0.1/records/" + layer + "/b", feature(2, 2, 1_500_000_000L, new JsonObject()));
    // Polled: the single reads may come from Cassandra while the node loads the layer, this one
    // from memory, which shows the writes once their changes arrived.
    JsonObject collection =
        Eventually.await(
            Duration.ofSeconds(20),
            () -> NODE.http().get("/0.1/records/" + layer + "/a,missing,b.json").json(),
            found -> found.getJsonArray("features").size() == 2);
    assertThat(collection.getString("type")).isEqualTo("FeatureCollection");
    assertThat(collection.getJsonArray("features").stream().map(f -> ((JsonObject) f).getString("id")))
        .containsExactly("a", "b");
  }

  @Test
  @DisplayName("a deleted record answers 404, and so does its history")
  void delete() {
    String layer = NODE.http().newLayer("it.");
    String path = "/0.1/records/" + layer + "/gone";
    NODE.http().put(path, feature(5, 5, 1_500_000_000L, new JsonObject()));
    awaitStatus(path, 200);
    assertThat(NODE.http().delete(path + ".json").status()).isEqualTo(202);
    // A 404 alone does not show the delete applied: a layer loading into memory may miss, for a
    // moment, a write whose change is still on its way. The delete shows in every place at once.
    Eventually.await(
        Duration.ofSeconds(20),
        () -> NODE.http().get(path).status() == 404
            && NODE.http().get(path + "/history").status() == 404
            && IndexRows.cellsOf(NODE.node(), layer, "gone", new double[] {5, 5}).isEmpty(),
        deleted -> deleted);
    Response missing = NODE.http().get(path);
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.json().getInteger("code")).isEqualTo(404);
  }

  @Test
  @DisplayName("a bulk POST of 100 features is accepted whole; 101 is refused naming the limit")
  void bulk() {
    String layer = NODE.http().newLayer("it.");
    JsonArray features = new JsonArray();
    for (int i = 0; i < 100; i++) {
      features.add(feature(i, i % 80, 1_500_000_000L, new JsonObject().put("n", i)).put("id", "f" + i));
    }
    JsonObject collection = new JsonObject().put("type", "FeatureCollection").put("features", features);
    assertThat(NODE.http().post("/0.1/records/" + layer + ".json", collection).status()).isEqualTo(202);
    for (int i = 0; i < 100; i += 33) {
      assertThat(awaitStatus("/0.1/records/" + layer + "/f" + i, 200).json().getJsonObject("properties").getInteger("n"))
          .isEqualTo(i);
    }
    awaitStatus("/0.1/records/" + layer + "/f99", 200);

    features.add(feature(0, 0, 1_500_000_000L, new JsonObject()).put("id", "f100"));
    Response tooMany = NODE.http().post("/0.1/records/" + layer, collection);
    assertThat(tooMany.status()).isEqualTo(400);
    assertThat(tooMany.json().getString("message")).contains("100");
    assertThat(NODE.http().get("/0.1/records/" + layer + "/f100").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("layers can be created, read, listed and deleted; deleting one removes its records for good")
  void layerLifecycle() {
    String layer = "it.life." + UUID.randomUUID().toString().substring(0, 8);
    JsonObject body =
        new JsonObject().put("title", "Life").put("description", "d").put("public", true)
            .put("callback_urls", new JsonArray().add("http://example.com/cb"));
    assertThat(NODE.http().put("/0.1/layers/" + layer + ".json", body).json()).isEqualTo(new JsonObject().put("status", "OK"));
    JsonObject read = NODE.http().get("/0.1/layers/" + layer + ".json").json();
    assertThat(read.getString("name")).isEqualTo(layer);
    assertThat(read.getString("title")).isEqualTo("Life");
    assertThat(read.getBoolean("public")).isTrue();
    assertThat(read.getJsonArray("callback_urls")).containsExactly("http://example.com/cb");
    assertThat(read.getLong("created")).isPositive();
    assertThat(read.getLong("updated")).isPositive();
    assertThat(allLayerNames()).contains(layer);

    NODE.http().put("/0.1/records/" + layer + "/x", feature(3, 4, 1_500_000_000L, new JsonObject()));
    awaitStatus("/0.1/records/" + layer + "/x", 200);

    assertThat(NODE.http().delete("/0.1/layers/" + layer + ".json").json()).isEqualTo(new JsonObject().put("status", "Deleted"));
    assertThat(NODE.http().get("/0.1/layers/" + layer).status()).isEqualTo(404);
    assertThat(NODE.http().get("/0.1/records/" + layer + "/x").status()).isEqualTo(404);
    assertThat(NODE.http().put("/0.1/records/" + layer + "/y", feature(3, 4, 1_500_000_000L, new JsonObject())).status())
        .isEqualTo(404);

    assertThat(NODE.http().put("/0.1/layers/" + layer, "{}").status()).isEqualTo(200);
    Eventually.await(WITHIN, () -> IndexRows.cellsOf(NODE.node(), layer, "x", new double[] {3, 4}), List::isEmpty);
    assertThat(NODE.http().get("/0.1/records/" + layer + "/x").status()).isEqualTo(404);
  }

  private static List<String> allLayerNames() {
    List<String> names = new java.util.ArrayList<>();
    String cursor = null;
    do {
      JsonObject page = NODE.http().get("/0.1/layers.json?limit=50" + (cursor == null ? "" : "&cursor=" + cursor)).json();
      page.getJsonArray("layers").forEach(l -> names.add(((JsonObject) l).getString("name")));
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return names;
  }

  @Test
  @DisplayName("writes and reads in a layer that does not exist answer 404")
  void unknownLayer() {
    Response put = NODE.http().put("/0.1/records/no.such.layer/r", feature(1, 1, 1_500_000_000L, new JsonObject()));
    assertThat(put.status()).isEqualTo(404);
    assertThat(put.json().getString("message")).contains("layer");
    assertThat(NODE.http().get("/0.1/records/no.such.layer/r").status()).isEqualTo(404);
  }
}
