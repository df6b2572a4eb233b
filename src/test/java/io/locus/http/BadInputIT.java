package io.locus.http;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.RunningNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Http.Response;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Bad input gets a JSON 4xx and leaves accepted data intact")
class BadInputIT {
  private static final String GOOD =
      "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1.5,2.5]},\"properties\":{}}";
  @RegisterExtension static final RunningNode NODE = new RunningNode();
  private static String layer;

  @BeforeAll
  static void start() {
    layer = "it.bad." + UUID.randomUUID().toString().substring(0, 8);
    NODE.http().put("/0.1/layers/" + layer, "{}");
    assertThat(NODE.http().put("/0.1/records/" + layer + "/keeper", GOOD).status()).isEqualTo(202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/keeper", 200);
  }

  @AfterAll
  static void stop() {
    JsonObject keeper = NODE.http().get("/0.1/records/" + layer + "/keeper").json();
    assertThat(keeper.getJsonObject("geometry").getJsonArray("coordinates").encode()).isEqualTo("[1.5,2.5]");
  }

  static String point(String coordinates) {
    return "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":" + coordinates + "}}";
  }

  static Stream<Arguments> badRecordBodies() {
    return Stream.of(
        Arguments.of("malformed JSON", "{\"type\":\"Feature\",", 400),
        Arguments.of("empty body", "", 400),
        Arguments.of("a JSON array", "[1,2]", 400),
        Arguments.of("duplicate keys", "{\"type\":\"Feature\",\"type\":\"Feature\"}", 400),
        Arguments.of("not a Feature", "{\"type\":\"Point\",\"coordinates\":[1,2]}", 400),
        Arguments.of("wrong geometry type", "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}}", 400),
        Arguments.of("missing geometry", "{\"type\":\"Feature\",\"properties\":{}}", 400),
        Arguments.of("missing coordinates", "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\"}}", 400),
        Arguments.of("one coordinate", point("[1]"), 400),
        Arguments.of("latitude over 90", point("[10, 90.0001]"), 400),
        Arguments.of("latitude under -90", point("[10, -91]"), 400),
        Arguments.of("longitude over 180", point("[180.5, 10]"), 400),
        Arguments.of("NaN as a string", point("[\"NaN\", 10]"), 400),
        Arguments.of("NaN as a literal", point("[NaN, 10]"), 400),
        Arguments.of("Infinity as a string", point("[10, \"Infinity\"]"), 400),
        Arguments.of("coordinates as words", point("[\"east\", \"north\"]"), 400),
        Arguments.of("coordinates as objects", point("[{}, []]"), 400),
        Arguments.of("huge exponent", point("[1e999999, 10]"), 400),
        Arguments.of("properties not an object", "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":[1]}", 400),
        Arguments.of("created negative", "{\"type\":\"Feature\",\"created\":-5,\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}", 400),
        Arguments.of("created a word", "{\"type\":\"Feature\",\"created\":\"yesterday\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}", 400),
        Arguments.of("id differing from the URL", "{\"type\":\"Feature\",\"id\":\"other\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}", 400),
        Arguments.of("body over the limit", "{\"type\":\"Feature\",\"properties\":{\"pad\":\"" + "x".repeat(1_100_000) + "\"}}", 413));
  }

  @ParameterizedTest(name = "{0} → {2}")
  @MethodSource("badRecordBodies")
  @DisplayName("a bad record body is refused with a JSON error")
  void badRecordBody(String why, String body, int status) {
    Response response = NODE.http().put("/0.1/records/" + layer + "/keeper", body);
    assertError(response, status);
  }

  static Stream<Arguments> badNames() {
    return Stream.of(
        Arguments.of("empty id", "/0.1/records/LAYER/%20"),
        Arguments.of("id too long", "/0.1/records/LAYER/" + "a".repeat(257)),
        Arguments.of("id with an encoded slash", "/0.1/records/LAYER/a%2Fb"),
        Arguments.of("id with ..", "/0.1/records/LAYER/a..b"),
        Arguments.of("id with a control character", "/0.1/records/LAYER/a%01b"),
        Arguments.of("id with a newline", "/0.1/records/LAYER/a%0Ab"),
        Arguments.of("id with a Cyrillic look-alike", "/0.1/records/LAYER/" + enc("kеeper")),
        Arguments.of("id with a zero-width space", "/0.1/records/LAYER/" + enc("keep\u200Ber")),
        Arguments.of("id with a right-to-left override", "/0.1/records/LAYER/" + enc("a\u202Eb")),
        Arguments.of("layer too long", "/0.1/records/" + "l".repeat(129) + "/x"),
        Arguments.of("layer with ..", "/0.1/records/a..b/x"),
        Arguments.of("layer with a space", "/0.1/records/a%20b/x"),
        Arguments.of("layer starting with a dot", "/0.1/records/.hidden/x"));
  }

  private static String enc(String text) {
    StringBuilder out = new StringBuilder();
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      out.append(b >= 'a' && b <= 'z' ? String.valueOf((char) b) : String.format("%%%02X", b & 0xff));
    }
    return out.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badNames")
  @DisplayName("a bad id or layer name is refused on PUT, GET and DELETE")
  void badName(String why, String pathTemplate) {
    String path = pathTemplate.replace("LAYER", layer);
    assertError(NODE.http().put(path, GOOD), 400);
    assertError(NODE.http().get(path), 400);
    assertError(NODE.http().delete(path), 400);
  }

  static Stream<Arguments> badQueries() {
    return Stream.of(
        Arguments.of("history limit zero", "/0.1/records/LAYER/keeper/history?limit=0"),
        Arguments.of("history limit over 500", "/0.1/records/LAYER/keeper/history?limit=501"),
        Arguments.of("history limit a word", "/0.1/records/LAYER/keeper/history?limit=ten"),
        Arguments.of("history cursor garbage", "/0.1/records/LAYER/keeper/history?cursor=%25%25"),
        Arguments.of("history cursor foreign", "/0.1/records/LAYER/keeper/history?cursor=bDE6c29tZWxheWVy"),
        Arguments.of("layers cursor garbage", "/0.1/layers.json?cursor=abc"),
        Arguments.of("too many ids", "/0.1/records/LAYER/" + String.join(",", Arrays.stream(new String[101]).map(x -> "a").toList())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badQueries")
  @DisplayName("a bad query parameter or cursor is refused with 400")
  void badQuery(String why, String pathTemplate) {
    assertError(NODE.http().get(pathTemplate.replace("LAYER", layer)), 400);
  }

  static Stream<Arguments> badBulkBodies() {
    return Stream.of(
        Arguments.of("not a FeatureCollection", "{\"type\":\"Feature\"}"),
        Arguments.of("features not a list", "{\"type\":\"FeatureCollection\",\"features\":{}}"),
        Arguments.of("no features", "{\"type\":\"FeatureCollection\",\"features\":[]}"),
        Arguments.of("a feature without id", "{\"type\":\"FeatureCollection\",\"features\":[" + GOOD + "]}"),
        Arguments.of("one bad feature among good ones",
            "{\"type\":\"FeatureCollection\",\"features\":[" + GOOD.replace("{\"type\":\"Feature\"", "{\"id\":\"ok\",\"type\":\"Feature\"")
                + "," + point("[1, 99]").replace("{\"type\":\"Feature\"", "{\"id\":\"bad\",\"type\":\"Feature\"") + "]}"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBulkBodies")
  @DisplayName("a bad bulk body is refused whole")
  void badBulk(String why, String body) {
    assertError(NODE.http().post("/0.1/records/" + layer + ".json", body), 400);
    assertThat(NODE.http().get("/0.1/records/" + layer + "/ok").status()).isEqualTo(404);
  }

  static Stream<Arguments> badLayerBodies() {
    return Stream.of(
        Arguments.of("public not a boolean", "{\"public\":\"yes\"}"),
        Arguments.of("callback_urls not a list", "{\"callback_urls\":\"http://x\"}"),
        Arguments.of("callback url not http", "{\"callback_urls\":[\"ftp://x\"]}"),
        Arguments.of("title not a string", "{\"title\":5}"),
        Arguments.of("malformed JSON", "{"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badLayerBodies")
  @DisplayName("a bad layer body is refused and the layer stays as it was")
  void badLayer(String why, String body) {
    assertError(NODE.http().put("/0.1/layers/" + layer, body), 400);
    assertThat(NODE.http().get("/0.1/layers/" + layer).json().getBoolean("public")).isFalse();
  }

  @org.junit.jupiter.api.Test
  @DisplayName("an unknown path or method answers a JSON 404 or 405")
  void unknownRoutes() {
    assertError(NODE.http().get("/0.1/records/" + layer + "/%2E%2E"), 404);
    assertError(NODE.http().get("/0.2/records/" + layer + "/keeper"), 404);
    assertError(NODE.http().post("/0.1/records/" + layer + "/keeper", GOOD), 405);
  }

  private static void assertError(Response response, int status) {
    assertThat(response.status()).as(response.body()).isEqualTo(status);
    JsonObject error = response.json();
    assertThat(error.getInteger("code")).isEqualTo(status);
    assertThat(error.getString("message")).isNotBlank();
  }

  static Stream<Arguments> numberBombs() {
    return Stream.of("1e-999999999", "1e999999999", "-1E-2147483647", "1E+2147483647")
        .flatMap(n -> Stream.of(Arguments.of(n), Arguments.of("\"" + n + "\"")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("numberBombs")
  @DisplayName("a number bomb as a coordinate, created or expires gets a fast 400 naming the field, and a normal write after it lands")
  void numberBomb(String bomb) {
    String[][] bodies = {
      {point("[1.5, " + bomb + "]"), "latitude|geometry.coordinates[1]"},
      {point("[" + bomb + ", 2.5]"), "longitude|geometry.coordinates[0]"},
      {"{\"type\":\"Feature\",\"created\":" + bomb + ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}", "created"},
      {"{\"type\":\"Feature\",\"expires\":" + bomb + ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}", "expires"}
    };
    for (String[] body : bodies) {
      long started = System.nanoTime();
      Response response = NODE.http().put("/0.1/records/" + layer + "/bomb", body[0]);
      long ms = (System.nanoTime() - started) / 1_000_000;
      assertError(response, 400);
      assertThat(response.json().getString("message")).as(body[0]).containsAnyOf(body[1].split("\\|"));
      assertThat(ms).as("milliseconds to refuse " + body[0]).isLessThan(2_000);
    }
    assertThat(NODE.http().get("/0.1/records/" + layer + "/bomb").status()).isEqualTo(404);
    String after = "after-" + Math.abs(bomb.hashCode());
    assertThat(NODE.http().put("/0.1/records/" + layer + "/" + after, GOOD).status()).isEqualTo(202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/" + after, 200);
  }

  @org.junit.jupiter.api.Test
  @DisplayName("a created further ahead of the server's clock than http.createdSkewSeconds is 400 naming the limit")
  void createdFarAhead() {
    long now = System.currentTimeMillis() / 1000;
    for (long created : new long[] {now + 3600, 253_402_300_799L}) {
      Response response = NODE.http().put("/0.1/records/" + layer + "/ahead",
          "{\"type\":\"Feature\",\"created\":" + created + ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}");
      assertError(response, 400);
      assertThat(response.json().getString("message")).contains("http.createdSkewSeconds");
    }
    assertThat(NODE.http().get("/0.1/records/" + layer + "/ahead").status()).isEqualTo(404);
  }

  @org.junit.jupiter.api.Test
  @DisplayName("a record dated ahead of the clock (within the skew), then deleted, takes a later upsert of its id")
  void deleteDoesNotShadowLaterWrites() {
    String path = "/0.1/records/" + layer + "/ahead-then-deleted";
    long now = System.currentTimeMillis() / 1000;
    assertThat(NODE.http().put(path,
        "{\"type\":\"Feature\",\"created\":" + (now + 240) + ",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}").status())
        .isEqualTo(202);
    assertThat(NODE.http().awaitStatus(path, 200).json().getLong("created")).isEqualTo(now + 240);
    assertThat(NODE.http().delete(path).status()).isEqualTo(202);
    NODE.http().awaitStatus(path, 404);
    assertThat(NODE.http().put(path, point("[3.5, 4.5]")).status()).isEqualTo(202);
    JsonObject back = NODE.http().awaitStatus(path, 200).json();
    assertThat(back.getJsonObject("geometry").getJsonArray("coordinates").encode()).isEqualTo("[3.5,4.5]");
  }

  private static String withProperties(String id, int propertiesBytes, long expires) {
    String prefix = "{\"pad\":\"";
    String properties = prefix + "p".repeat(propertiesBytes - prefix.length() - 2) + "\"}";
    return "{\"type\":\"Feature\"," + (id == null ? "" : "\"id\":\"" + id + "\",")
        + (expires > 0 ? "\"expires\":" + expires + "," : "")
        + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.433287165432109876543210987654321,37.774929543210987654321098765432109]},"
        + "\"properties\":" + properties + "}";
  }

  @org.junit.jupiter.api.Test
  @DisplayName("a record whose properties are just under 10 KiB, with the longest id and an expiry (the writer's biggest batch), is written and readable")
  void propertiesJustUnderTheLimit() {
    String id = "k".repeat(256);
    String path = "/0.1/records/" + layer + "/" + id;
    long expires = System.currentTimeMillis() / 1000 + 3600;
    assertThat(NODE.http().put(path, withProperties(null, 10 * 1024, expires)).status()).isEqualTo(202);
    Response back = NODE.http().awaitStatus(path, 200);
    assertThat(back.json().getJsonObject("properties").getString("pad")).hasSize(10 * 1024 - 10);
    // the raw text: a JSON parser would make doubles of these
    assertThat(back.body()).contains("\"coordinates\":[-122.433287165432109876543210987654321,37.774929543210987654321098765432109]");
  }

  @org.junit.jupiter.api.Test
  @DisplayName("a record whose properties are over 10 KiB is 413 naming the limit, on PUT and bulk POST, and a rejected line in NDJSON")
  void propertiesOverTheLimit() {
    String path = "/0.1/records/" + layer + "/too-big";
    for (int size : new int[] {10 * 1024 + 1, 20_000}) {
      Response put = NODE.http().put(path, withProperties(null, size, 0));
      assertError(put, 413);
      assertThat(put.json().getString("message")).contains("10240 bytes");
      Response bulk = NODE.http().post("/0.1/records/" + layer + ".json",
          "{\"type\":\"FeatureCollection\",\"features\":[" + withProperties("too-big", size, 0) + "]}");
      assertError(bulk, 413);
      assertThat(bulk.json().getString("message")).contains("features[0]").contains("10240 bytes");
    }
    byte[] ndjson = (withProperties("too-big", 20_000, 0) + "\n" + withProperties("fits", 1000, 0) + "\n").getBytes(StandardCharsets.UTF_8);
    Response lines = NODE.http().postChunked("/0.1/records/" + layer + ".ndjson", () -> new java.io.ByteArrayInputStream(ndjson));
    assertThat(lines.status()).as(lines.body()).isEqualTo(202);
    assertThat(lines.json().getInteger("accepted")).isEqualTo(1);
    assertThat(lines.json().getJsonArray("rejected").getJsonObject(0).getString("message")).contains("10240 bytes");
    NODE.http().awaitStatus("/0.1/records/" + layer + "/fits", 200);
    assertThat(NODE.http().get(path).status()).isEqualTo(404);
  }
}
