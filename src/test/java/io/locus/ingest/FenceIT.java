package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.EventStream;
import io.locus.support.EventStream.Event;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.Receiver;
import io.locus.support.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Geofences: saved per layer, and each record change judged against them, in order, on the stream and as webhooks")
class FenceIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  @RegisterExtension static final RunningNode NODE = new RunningNode();
  private static Receiver receiver;

  @BeforeAll
  static void start() {
    receiver = Receiver.start(request -> 200);
  }

  @AfterAll
  static void stop() {
    receiver.close();
  }

  private static Http http() {
    return NODE.http();
  }

  /** A square fence 0.2 degrees a side around (lat, lon). */
  private static JsonObject square(double lat, double lon, String... detect) {
    JsonArray ring = new JsonArray();
    double[][] corners = {{-0.1, -0.1}, {-0.1, 0.1}, {0.1, 0.1}, {0.1, -0.1}, {-0.1, -0.1}};
    for (double[] corner : corners) {
      ring.add(new JsonArray().add(lon + corner[1]).add(lat + corner[0]));
    }
    JsonObject body = new JsonObject().put("geometry", new JsonObject().put("type", "Polygon").put("coordinates", new JsonArray().add(ring)));
    return detect.length == 0 ? body : body.put("detect", new JsonArray(List.of((Object[]) detect)));
  }

  private static JsonObject feature(String id, double lat, double lon, long created) {
    return new JsonObject()
        .put("type", "Feature")
        .put("id", id)
        .put("created", created)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)));
  }

  private static String fence(String layer, String id) {
    return "/0.1/layers/" + layer + "/fences/" + id + ".json";
  }

  @Test
  @DisplayName("a fence is saved, read back, listed page by page and deleted; others cannot see a private layer's fences; bad ones are 400")
  void crud() {
    String layer = http().newLayer("it.fences.");
    JsonObject circle =
        new JsonObject()
            .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(2.35).add(48.85)))
            .put("radius", 500)
            .put("detect", new JsonArray().add("enter"));
    assertThat(http().put(fence(layer, "paris"), circle).json()).isEqualTo(new JsonObject().put("status", "OK"));
    assertThat(http().put(fence(layer, "zone"), square(0, 0)).status()).isEqualTo(200);
    JsonObject read = http().get(fence(layer, "paris")).json();
    assertThat(read.getString("id")).isEqualTo("paris");
    assertThat(read.getDouble("radius")).isEqualTo(500.0);
    assertThat(read.getJsonArray("detect")).containsExactly("enter");
    assertThat(read.getLong("updated")).isPositive();
    assertThat(http().get(fence(layer, "zone")).json().getJsonArray("detect")).containsExactly("enter", "exit");

    JsonObject first = http().get("/0.1/layers/" + layer + "/fences.json?limit=1").json();
    assertThat(first.getJsonArray("fences")).extracting(f -> ((JsonObject) f).getString("id")).containsExactly("paris");
    JsonObject second = http().get("/0.1/layers/" + layer + "/fences.json?limit=1&cursor=" + first.getString("next_cursor")).json();
    assertThat(second.getJsonArray("fences")).extracting(f -> ((JsonObject) f).getString("id")).containsExactly("zone");
    assertThat(second.getValue("next_cursor")).isNull();
    assertThat(http().get("/0.1/layers/" + layer + "/fences.json?cursor=bogus").status()).isEqualTo(400);

    Http other = http().as("nobody", "nothing");
    assertThat(other.get(fence(layer, "paris")).status()).isEqualTo(401);
    for (JsonObject bad : List.of(new JsonObject(), circle.copy().put("radius", -1), square(0, 0, "nearby"), square(0, 0).put("id", "other"))) {
      Response refused = http().put(fence(layer, "bad"), bad);
      assertThat(refused.status()).as(bad.encode()).isEqualTo(400);
    }
    assertThat(http().put(fence("it.fences.missing" + System.nanoTime(), "f"), circle).status()).isEqualTo(404);

    assertThat(http().delete(fence(layer, "paris")).json()).isEqualTo(new JsonObject().put("status", "Deleted"));
    assertThat(http().get(fence(layer, "paris")).status()).isEqualTo(404);
    assertThat(http().delete(fence(layer, "paris")).status()).isEqualTo(404);

    assertThat(http().delete("/0.1/layers/" + layer + ".json").status()).isEqualTo(200);
    assertThat(http().put("/0.1/layers/" + layer + ".json", new JsonObject()).status()).isEqualTo(200);
    assertThat(http().get("/0.1/layers/" + layer + "/fences.json").json().getJsonArray("fences")).as("a layer made again starts without fences").isEmpty();
  }

  @Test
  @DisplayName("50 positions of one record in one bulk request raise enter and exit alternately, in order, on the stream and at the fence's webhook")
  void burstInOrder() {
    String layer = http().newLayer("it.fences.");
    String hook = receiver.url("/fence");
    assertThat(http().put(fence(layer, "zone"), square(0, 0).put("callback_urls", new JsonArray().add(hook))).status()).isEqualTo(200);
    try (EventStream stream = EventStream.open(http(), "/0.1/layers/" + layer + "/changes", Map.of()).opened()) {
      JsonArray features = new JsonArray();
      for (int i = 0; i < 50; i++) {
        features.add(i % 2 == 0 ? feature("walker", 0.01 * (i % 5), 0, 1_700_000_000L + i) : feature("walker", 0.5, 0.5, 1_700_000_000L + i));
      }
      assertThat(http().post("/0.1/records/" + layer + ".json", new JsonObject().put("type", "FeatureCollection").put("features", features)).status())
          .isEqualTo(202);
      List<String> fenced = new ArrayList<>();
      int upserts = 0;
      while (fenced.size() < 50) {
        Event event = stream.next(PATIENCE);
        assertThat(event).as("events so far: %d upserts, fence events %s", upserts, fenced).isNotNull();
        if (event.kind().equals("upsert")) {
          upserts++;
        } else {
          assertThat(event.data().getString("fence")).isEqualTo("zone");
          fenced.add(event.kind());
        }
      }
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 25; i++) {
        expected.add("enter");
        expected.add("exit");
      }
      assertThat(fenced).isEqualTo(expected);
      List<String> hooked =
          Eventually.await(
              PATIENCE,
              () -> receiver.once().stream().filter(r -> r.json().getString("layer").equals(layer)).map(r -> r.json().getString("event")).toList(),
              events -> events.size() >= 50);
      assertThat(hooked).isEqualTo(expected);
      assertThat(receiver.received().stream().filter(r -> r.json().getString("layer").equals(layer)))
          .allSatisfy(r -> assertThat(r.event()).isEqualTo(r.json().getString("event")));
    }
  }

  @Test
  @DisplayName("a record inside a fence that expires raises the fence's exit after its expire event")
  void expiryExits() {
    String layer = http().newLayer("it.fences.");
    assertThat(http().put(fence(layer, "zone"), square(10, 10)).status()).isEqualTo(200);
    try (EventStream stream = EventStream.open(http(), "/0.1/layers/" + layer + "/changes", Map.of()).opened()) {
      long expires = System.currentTimeMillis() / 1000 + 3;
      assertThat(http().put("/0.1/records/" + layer + "/brief.json", feature("brief", 10, 10, expires - 10).put("expires", expires)).status())
          .isEqualTo(202);
      List<String> kinds = new ArrayList<>();
      while (!kinds.contains("exit")) {
        Event event = stream.next(PATIENCE);
        assertThat(event).as("events so far: %s", kinds).isNotNull();
        kinds.add(event.kind());
      }
      assertThat(kinds).containsExactly("upsert", "enter", "expire", "exit");
    }
  }
}
