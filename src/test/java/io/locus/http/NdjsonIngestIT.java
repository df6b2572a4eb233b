package io.locus.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.Http.Response;
import io.locus.support.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** POST /0.1/records/{layer}.ndjson against the real broker and Cassandra. */
@DisplayName("A streamed NDJSON bulk write")
class NdjsonIngestIT {
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  private static String feature(String id, double lat, double lon, String padding) {
    return new JsonObject()
        .put("type", "Feature")
        .put("id", id)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
        .put("properties", new JsonObject().put("note", padding))
        .encode();
  }

  private static Response upload(String layer, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return NODE.http().postChunked("/0.1/records/" + layer + ".ndjson", () -> new ByteArrayInputStream(bytes));
  }

  private static int count(String layer) {
    return NODE.http().get("/0.1/records/" + layer + "/within/-90,-180,90,180.json?limit=500").json().getJsonArray("features").size();
  }

  @Test
  @DisplayName("valid lines are accepted, each bad line is reported with its number and skipped, blank lines ignored")
  void mixedLines() {
    String layer = NODE.http().newLayer("it.ndjson.");
    StringBuilder body = new StringBuilder();
    for (int i = 1; i <= 250; i++) {
      switch (i) {
        case 7 -> body.append("{not json\n");
        case 50 -> body.append(feature("far", 95, 0, "")).append('\n');
        case 120 -> body.append("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}\n");
        case 130, 131 -> body.append("\r\n");
        default -> body.append(feature("r" + i, i % 80, i % 170, "")).append("\r\n");
      }
    }
    Response response = upload(layer, body.toString());
    assertThat(response.status()).as(response.body()).isEqualTo(202);
    JsonObject answer = response.json();
    assertThat(answer.getInteger("accepted")).isEqualTo(245);
    assertThat(answer.getInteger("rejectedCount")).isEqualTo(3);
    JsonArray rejected = answer.getJsonArray("rejected");
    assertThat(rejected.stream().map(r -> ((JsonObject) r).getInteger("line")).toList()).containsExactly(7, 50, 120);
    assertThat(rejected.getJsonObject(1).getString("message")).contains("latitude");
    assertThat(rejected.getJsonObject(2).getString("message")).contains("id");
    Eventually.await(Duration.ofSeconds(60), () -> count(layer), n -> n == 245);
    Response one = NODE.http().get("/0.1/records/" + layer + "/r249.json");
    assertThat(one.json().getJsonObject("geometry").getJsonArray("coordinates").encode()).isEqualTo("[79.0,9.0]");
  }

  @Test
  @DisplayName("a body far larger than http.maxBodyBytes streams through: every record is accepted and readable")
  void largerThanTheBodyLimit() {
    String layer = NODE.http().newLayer("it.ndjson.big.");
    String padding = "x".repeat(400);
    String body = IntStream.range(0, 3000).mapToObj(i -> feature("b" + i, (i % 170) - 85, (i % 350) - 175, padding)).collect(Collectors.joining("\n"));
    assertThat(body.length()).as("bigger than the 1 MiB body limit").isGreaterThan(1_048_576);
    Response response = upload(layer, body);
    assertThat(response.status()).as(response.body()).isEqualTo(202);
    assertThat(response.json().getInteger("accepted")).isEqualTo(3000);
    assertThat(response.json().getJsonArray("rejected")).isEmpty();
    Eventually.await(Duration.ofSeconds(60), () -> NODE.http().get("/0.1/records/" + layer + "/b2999.json").status(), s -> s == 200);
  }

  @Test
  @DisplayName("an empty body is a 400, an unknown layer a 404, a line over the limit a 413 saying where to resume, unsigned a 401")
  void refusals() {
    String layer = NODE.http().newLayer("it.ndjson.bad.");
    Response empty = upload(layer, "\n\n");
    assertThat(empty.status()).as(empty.body()).isEqualTo(400);
    assertThat(empty.json().getString("message")).contains("no feature");

    Response unknown = upload("it.ndjson.absent", feature("a", 1, 1, "") + "\n");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.json().getInteger("code")).isEqualTo(404);
    assertThat(unknown.header("Connection")).as("a body left unread closes the connection").isEqualToIgnoringCase("close");

    String tooLong = feature("ok", 1, 1, "") + "\n" + feature("huge", 1, 1, "y".repeat(1_100_000)) + "\n";
    Response over = upload(layer, tooLong);
    assertThat(over.status()).as(over.body()).isEqualTo(413);
    assertThat(over.json().getString("message")).contains("line 2");
    assertThat(over.header(NdjsonIngest.RESUME_HEADER)).isEqualTo("1");

    Response unsigned = NODE.http().unsigned().post("/0.1/records/" + layer + ".ndjson", feature("u", 1, 1, ""));
    assertThat(unsigned.status()).isEqualTo(401);
    assertThat(NODE.http().get("/0.1/records/" + layer + "/u.json").status()).isEqualTo(404);
  }
}
