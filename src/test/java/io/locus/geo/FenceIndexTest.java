package io.locus.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.geometry.S2Point;
import io.locus.common.CallbackTargets;
import io.locus.common.Failure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Fences: parsing, and the events a move raises (enter, exit, inside, outside, cross)")
class FenceIndexTest {
  private static final CallbackTargets TARGETS = new CallbackTargets(true, false);
  /** A square around (0,0), 0.2 degrees a side. */
  private static final Fence SQUARE = square("square", -0.1, -0.1, 0.1, 0.1, "enter", "exit", "inside", "outside", "cross");
  /** 1 km around (10, 10). */
  private static final Fence CIRCLE =
      Fence.parse(
          "circle",
          new JsonObject()
              .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(10).add(10)))
              .put("radius", 1000)
              .put("detect", new JsonArray().add("enter").add("exit").add("cross")),
          TARGETS);

  private static Fence square(String id, double south, double west, double north, double east, String... detect) {
    JsonArray ring =
        new JsonArray()
            .add(new JsonArray().add(west).add(south))
            .add(new JsonArray().add(east).add(south))
            .add(new JsonArray().add(east).add(north))
            .add(new JsonArray().add(west).add(north))
            .add(new JsonArray().add(west).add(south));
    JsonArray kinds = new JsonArray();
    for (String kind : detect) {
      kinds.add(kind);
    }
    JsonObject body = new JsonObject().put("geometry", new JsonObject().put("type", "Polygon").put("coordinates", new JsonArray().add(ring)));
    return Fence.parse(id, kinds.isEmpty() ? body : body.put("detect", kinds), TARGETS);
  }

  private static S2Point at(double lat, double lon) {
    return Earth.point(lat, lon);
  }

  private static List<String> events(FenceIndex index, S2Point before, S2Point after) {
    return index.evaluate(before, after).stream().map(hit -> hit.fence().id() + ":" + hit.kind().wire()).toList();
  }

  @Test
  @DisplayName("a move into, within, out of and past a polygon raises what Tile38 would")
  void polygonMoves() {
    FenceIndex index = new FenceIndex(List.of(SQUARE));
    assertThat(events(index, null, at(0, 0))).containsExactly("square:enter", "square:inside");
    assertThat(events(index, at(0.05, 0), at(0, 0.05))).containsExactly("square:inside");
    assertThat(events(index, at(0, 0), at(0.3, 0))).containsExactly("square:exit", "square:outside");
    assertThat(events(index, at(0, 0), null)).as("deleted or expired inside").containsExactly("square:exit");
    assertThat(events(index, at(0, -0.3), at(0, 0.3))).as("straight across, from afar").containsExactly("square:cross");
    assertThat(events(index, at(0.1005, -0.01), at(0.1005, 0.01))).as("along its edge, outside").containsExactly("square:outside");
    assertThat(events(index, at(40, 40), at(41, 41))).as("far away").isEmpty();
  }

  @Test
  @DisplayName("a circle fence detects only what it asks for; crossing is judged on the great circle between the positions")
  void circleMoves() {
    FenceIndex index = new FenceIndex(List.of(CIRCLE, SQUARE));
    assertThat(events(index, at(10.5, 10), at(10, 10.003))).containsExactly("circle:enter");
    assertThat(events(index, at(10, 10.003), at(10, 10.02))).containsExactly("circle:exit");
    assertThat(events(index, at(10, 9.98), at(10, 10.02))).as("through the centre").containsExactly("circle:cross");
    assertThat(events(index, at(10.05, 9.98), at(10.05, 10.02))).as("5 km north of it").isEmpty();
  }

  @Test
  @DisplayName("the index finds exactly what a check of every fence finds, for random moves among many fences")
  void indexMatchesEveryFence() {
    Random random = new Random(11);
    List<Fence> fences = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      double lat = random.nextDouble() * 10;
      double lon = random.nextDouble() * 10;
      double size = 0.01 + random.nextDouble() * 0.5;
      fences.add(square(String.format("f%03d", i), lat, lon, lat + size, lon + size, "enter", "exit", "inside", "cross"));
    }
    FenceIndex index = new FenceIndex(fences);
    for (int move = 0; move < 2000; move++) {
      S2Point before = at(random.nextDouble() * 10, random.nextDouble() * 10);
      S2Point after = at(random.nextDouble() * 10, random.nextDouble() * 10);
      List<String> expected = new ArrayList<>();
      for (Fence fence : fences) {
        boolean wasIn = fence.contains(before);
        boolean isIn = fence.contains(after);
        if (!wasIn && isIn) {
          expected.add(fence.id() + ":enter");
        }
        if (wasIn && !isIn) {
          expected.add(fence.id() + ":exit");
        }
        if (isIn) {
          expected.add(fence.id() + ":inside");
        }
        if (!wasIn && !isIn && fence.crosses(before, after)) {
          expected.add(fence.id() + ":cross");
        }
      }
      assertThat(events(index, before, after)).as("move %d", move).containsExactlyElementsOf(expected);
    }
  }

  @Test
  @DisplayName("a fence reads back as saved; bad geometry, radius, detect or callback URLs are 400 naming the field")
  void parsing() {
    JsonObject saved = CIRCLE.toJson();
    assertThat(saved.getDouble("radius")).isEqualTo(1000.0);
    assertThat(saved.getJsonArray("detect")).containsExactly("enter", "exit", "cross");
    assertThat(Fence.parse("circle", saved, TARGETS).toJson()).isEqualTo(saved);
    assertThat(square("s", 0, 0, 1, 1).detect()).as("default detect").containsExactlyInAnyOrder(Fence.Detect.ENTER, Fence.Detect.EXIT);
    JsonObject point = new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(1).add(2));
    List<JsonObject> bad =
        List.of(
            new JsonObject(),
            new JsonObject().put("geometry", "POLYGON"),
            new JsonObject().put("geometry", point),
            new JsonObject().put("geometry", point).put("radius", -5),
            new JsonObject().put("geometry", point).put("radius", 2_000_000),
            new JsonObject().put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(1).add(95))).put("radius", 5),
            new JsonObject().put("geometry", point).put("radius", 5).put("detect", new JsonArray().add("near")),
            new JsonObject().put("geometry", point).put("radius", 5).put("detect", new JsonArray()),
            new JsonObject().put("geometry", point).put("radius", 5).put("callback_urls", new JsonArray().add("http://10.0.0.1/x")),
            new JsonObject().put("geometry", new JsonObject().put("type", "LineString").put("coordinates", new JsonArray())));
    for (JsonObject body : bad) {
      assertThatThrownBy(() -> Fence.parse("f", body, TARGETS))
          .as(body.encode())
          .isInstanceOfSatisfying(Failure.class, failure -> assertThat(failure.status()).isEqualTo(400));
    }
  }
}
