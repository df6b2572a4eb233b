package io.locus.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.locus.store.Cassandra;
import io.locus.store.CassandraSettings;
import io.locus.support.EventStream;
import io.locus.support.EventStream.Event;
import io.locus.support.Eventually;
import io.locus.support.Http.Response;
import io.locus.support.RunningNode;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Record TTL: a Feature's expires removes it from every read at once, by Cassandra TTL, with an expire event")
class ExpiryIT {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  private static JsonObject feature(double lat, double lon, long expires) {
    JsonObject feature =
        new JsonObject()
            .put("type", "Feature")
            .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
            .put("properties", new JsonObject().put("kind", "stall"));
    return expires > 0 ? feature.put("expires", expires) : feature;
  }

  private static String record(String layer, String id) {
    return "/0.1/records/" + layer + "/" + id + ".json";
  }

  private static List<String> nearby(String layer) {
    Response answer = NODE.http().get("/0.1/records/" + layer + "/nearby/45.5,-73.6.json?radius=5");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    return answer.json().getJsonArray("features").stream().map(f -> ((JsonObject) f).getString("id")).sorted().toList();
  }

  private static List<Row> rows(String cql, Object... values) {
    CassandraClient client = Cassandra.shared(NODE.node().vertx(), CassandraSettings.from(NODE.node().config.getJsonObject("cassandra")));
    try {
      return client.executeWithFullFetch(SimpleStatement.newInstance(cql, values)).await();
    } finally {
      client.close().await();
    }
  }

  /**
   * The TTLs (seconds left, 0 for none) Cassandra holds on the record's live rows: its row in
   * {@code records} unless that is a delete marker, and its rows in {@code records_by_cell}.
   */
  private static List<Integer> ttls(String layer, String id) {
    List<Integer> ttls = new ArrayList<>();
    rows("SELECT lat, TTL(lat) AS left FROM records WHERE layer = ? AND id = ?", layer, id).stream()
        .filter(row -> !row.isNull("lat"))
        .forEach(row -> ttls.add(row.isNull("left") ? 0 : row.getInt("left")));
    rows("SELECT id, TTL(lat) AS left FROM records_by_cell WHERE layer = ? ALLOW FILTERING", layer).stream()
        .filter(row -> id.equals(row.getString("id")))
        .forEach(row -> ttls.add(row.isNull("left") ? 0 : row.getInt("left")));
    return ttls;
  }

  /** How many entries of the expiry schedule name the record. */
  private static long scheduled(String layer, String id) {
    return rows("SELECT layer, id FROM expiries").stream()
        .filter(row -> layer.equals(row.getString("layer")) && id.equals(row.getString("id")))
        .count();
  }

  /** A few milliseconds between reads, not to hammer the node for the seconds the test reads. */
  private static void pace() {
    try {
      Thread.sleep(10);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new AssertionError(interrupted);
    }
  }

  @Test
  @DisplayName("an expiring record reads back with its expires and a Cassandra TTL, is gone from get and nearby from that second on, and its expiry is streamed")
  void expires() {
    String layer = NODE.http().newLayer("it.expiry.");
    try (EventStream stream = EventStream.open(NODE.http(), "/0.1/layers/" + layer + "/changes", Map.of()).opened()) {
      long expires = System.currentTimeMillis() / 1000 + 10;
      assertThat(NODE.http().put(record(layer, "brief"), feature(45.5, -73.6, expires)).status()).isEqualTo(202);
      assertThat(NODE.http().put(record(layer, "lasting"), feature(45.501, -73.6, 0)).status()).isEqualTo(202);
      List<Event> upserts = stream.next(2);
      assertThat(upserts).extracting(Event::kind).containsOnly("upsert");

      JsonObject brief = NODE.http().awaitStatus(record(layer, "brief"), 200).json();
      assertThat(brief.getLong("expires")).isEqualTo(expires);
      assertThat(NODE.http().awaitStatus(record(layer, "lasting"), 200).json().containsKey("expires")).isFalse();
      assertThat(ttls(layer, "brief")).hasSize(2).allSatisfy(left -> assertThat(left).isBetween(1, 10));
      assertThat(scheduled(layer, "brief")).isEqualTo(1);
      assertThat(ttls(layer, "lasting")).containsOnly(0);

      // Both in memory first, so that every read below comes from one path.
      nearby(layer);
      Eventually.await(
          PATIENCE,
          () -> NODE.http().served(layer),
          held -> "warm".equals(held.getString("state")) && held.getInteger("records", 0) == 2);

      // Read until well past the expiry: every read asked for from its second on misses the
      // record, and none answered before it does (the reads are polled, not timed).
      long expiresMillis = expires * 1000;
      java.util.Deque<String> seen = new java.util.ArrayDeque<>();
      int readsAfter = 0;
      while (readsAfter < 20) {
        long asked = System.currentTimeMillis();
        int get = NODE.http().get(record(layer, "brief")).status();
        List<String> near = nearby(layer);
        long answered = System.currentTimeMillis();
        seen.addLast(asked + "-" + answered + ": get " + get + ", nearby " + near);
        if (seen.size() > 10) {
          seen.removeFirst();
        }
        pace();
        if (asked >= expiresMillis) {
          readsAfter++;
          assertThat(get).as("a read from the expiry on: %s", seen).isEqualTo(404);
          assertThat(near).as("a search from the expiry on: %s", seen).containsExactly("lasting");
        } else if (answered < expiresMillis) {
          assertThat(get).as("a read answered before the expiry: %s", seen).isEqualTo(200);
          assertThat(near).as("a search answered before the expiry: %s", seen).containsExactly("brief", "lasting");
        }
      }

      Event expired = stream.next(PATIENCE);
      assertThat(expired).as("the expiry on the change stream").isNotNull();
      assertThat(expired.kind()).isEqualTo("expire");
      assertThat(expired.data().getString("id")).isEqualTo("brief");
      assertThat(expired.data().getValue("record")).isNull();
      assertThat(expired.data().getJsonObject("previous"))
          .isEqualTo(new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(-73.6).add(45.5)));
    }
    assertThat(ttls(layer, "brief")).as("rows left in Cassandra").isEmpty();
    assertThat(scheduled(layer, "brief")).isZero();
    assertThat(NODE.http().get(record(layer, "lasting")).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("writing the record again without expires keeps it: the old expiry finds a newer state and changes nothing")
  void rewrittenWithoutExpiry() {
    String layer = NODE.http().newLayer("it.expiry.");
    try (EventStream stream = EventStream.open(NODE.http(), "/0.1/layers/" + layer + "/changes", Map.of()).opened()) {
      long expires = System.currentTimeMillis() / 1000 + 3;
      assertThat(NODE.http().put(record(layer, "kept"), feature(45.5, -73.6, expires)).status()).isEqualTo(202);
      assertThat(NODE.http().put(record(layer, "kept"), feature(45.5, -73.6, 0).put("created", expires + 100)).status())
          .isEqualTo(202);
      // The sweep takes the old expiry off the schedule once it is on the record's queue; a
      // write queued after it is applied after it.
      Eventually.await(PATIENCE, () -> scheduled(layer, "kept"), entries -> entries == 0);
      assertThat(NODE.http().put(record(layer, "kept"), feature(45.6, -73.6, 0).put("created", expires + 200)).status())
          .isEqualTo(202);
      List<Event> changes = stream.next(3);
      assertThat(changes).extracting(Event::kind).as("no expiry among the changes").containsExactly("upsert", "upsert", "upsert");
      Response kept = NODE.http().awaitStatus(record(layer, "kept"), 200);
      assertThat(kept.json().getLong("created")).isEqualTo(expires + 200);
      assertThat(kept.json().containsKey("expires")).isFalse();
    }
  }

  @Test
  @DisplayName("an expires that is not in the future, or not a number, is refused with 400 and nothing is written")
  void badExpires() {
    String layer = NODE.http().newLayer("it.expiry.");
    long now = System.currentTimeMillis() / 1000;
    Map<String, Object> bad = Map.of("past", now - 10, "text", "soon", "negative", -5, "huge", 1L << 40);
    for (Map.Entry<String, Object> value : bad.entrySet()) {
      JsonObject body = feature(1, 1, 0).put("expires", value.getValue());
      Response refused = NODE.http().put(record(layer, value.getKey()), body);
      assertThat(refused.status()).as(value.getKey()).isEqualTo(400);
      assertThat(refused.json().getString("message")).as(value.getKey()).contains("expires");
    }
    assertThat(NODE.http().put(record(layer, "never"), feature(1, 1, 0).put("expires", 0)).status()).isEqualTo(202);
    assertThat(NODE.http().awaitStatus(record(layer, "never"), 200).json().containsKey("expires")).isFalse();
    assertThat(bad.keySet().stream().map(id -> NODE.http().get(record(layer, id)).status()).collect(Collectors.toSet()))
        .containsOnly(404);
  }
}
