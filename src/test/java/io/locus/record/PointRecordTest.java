package io.locus.record;

import io.locus.common.Failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("PointRecord")
class PointRecordTest {
  private static final long NOW = 1_700_000_000L;

  /** A Feature whose geometry is {@code {"type":"Point","coordinates":COORDS}} plus {@code extra} members. */
  private static String feature(String coords, String extra) {
    return "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":" + coords + "}"
        + (extra.isEmpty() ? "" : "," + extra) + "}";
  }

  private static PointRecord accept(String layer, String pathId, String body) {
    return PointRecord.fromFeature(layer, pathId, ExactJson.parseObject(body), NOW);
  }

  static Stream<Arguments> badFeatures() {
    String ok = "[-122.433287165,37.774929]";
    return Stream.of(
        // malformed JSON and wrong shapes
        Arguments.of("unclosed JSON", "{\"type\":\"Feature\"", "malformed JSON"),
        Arguments.of("JSON array", "[" + feature(ok, "") + "]", "a JSON object is required"),
        Arguments.of("duplicate member", feature(ok, "\"type\":\"Feature\""), "malformed JSON"),
        Arguments.of("no type", "{\"geometry\":{\"type\":\"Point\",\"coordinates\":" + ok + "}}", "\"type\" must be \"Feature\""),
        Arguments.of("FeatureCollection", "{\"type\":\"FeatureCollection\",\"features\":[]}", "\"type\" must be \"Feature\""),
        Arguments.of("lower-case feature", "{\"type\":\"feature\"}", "\"type\" must be \"Feature\""),
        Arguments.of("no geometry", "{\"type\":\"Feature\"}", "\"geometry\" must be a GeoJSON Point object"),
        Arguments.of("geometry as string", "{\"type\":\"Feature\",\"geometry\":\"POINT(1 2)\"}", "\"geometry\" must be a GeoJSON Point object"),
        Arguments.of("geometry as array", "{\"type\":\"Feature\",\"geometry\":[1,2]}", "\"geometry\" must be a GeoJSON Point object"),
        Arguments.of("LineString", "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]}}", "\"geometry.type\" must be \"Point\""),
        Arguments.of("Polygon", "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[1,2],[3,4],[1,2]]]}}", "\"geometry.type\" must be \"Point\""),
        Arguments.of("lower-case point", "{\"type\":\"Feature\",\"geometry\":{\"type\":\"point\",\"coordinates\":[1,2]}}", "\"geometry.type\" must be \"Point\""),
        Arguments.of("geometry without type", "{\"type\":\"Feature\",\"geometry\":{\"coordinates\":[1,2]}}", "\"geometry.type\" must be \"Point\""),
        // coordinates missing or of the wrong shape
        Arguments.of("no coordinates", "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\"}}", "must be [longitude, latitude]"),
        Arguments.of("null coordinates", feature("null", ""), "must be [longitude, latitude]"),
        Arguments.of("empty coordinates", feature("[]", ""), "must be [longitude, latitude]"),
        Arguments.of("one coordinate", feature("[1.5]", ""), "must be [longitude, latitude]"),
        Arguments.of("four coordinates", feature("[1,2,3,4]", ""), "must be [longitude, latitude]"),
        Arguments.of("coordinates as text", feature("\"-122.4,37.7\"", ""), "must be [longitude, latitude]"),
        Arguments.of("coordinates as object", feature("{\"lon\":1,\"lat\":2}", ""), "must be [longitude, latitude]"),
        Arguments.of("nested coordinates", feature("[[1,2],3]", ""), "longitude must be a number"),
        Arguments.of("null longitude", feature("[null,2]", ""), "longitude must be a number, got nothing"),
        Arguments.of("null latitude", feature("[1,null]", ""), "latitude must be a number, got nothing"),
        Arguments.of("boolean latitude", feature("[1,true]", ""), "latitude must be a number"),
        // out of range
        Arguments.of("latitude above 90", feature("[0,90.0000001]", ""), "latitude must be between -90 and 90, got 90.0000001"),
        Arguments.of("latitude below -90", feature("[0,-90.5]", ""), "latitude must be between -90 and 90"),
        Arguments.of("latitude string above 90", feature("[0,\"91\"]", ""), "latitude must be between -90 and 90"),
        Arguments.of("longitude above 180", feature("[180.000001,0]", ""), "longitude must be between -180 and 180"),
        Arguments.of("longitude below -180", feature("[-181,0]", ""), "longitude must be between -180 and 180"),
        Arguments.of("huge exponent", feature("[1e400,0]", ""), "longitude must be between -180 and 180"),
        Arguments.of("swapped lat/lon", feature("[37.77,-122.43]", ""), "latitude must be between -90 and 90"),
        // strings that are not numbers
        Arguments.of("NaN string latitude", feature("[0,\"NaN\"]", ""), "latitude must be a number, got \"NaN\""),
        Arguments.of("NaN string longitude", feature("[\"NaN\",0]", ""), "longitude must be a number"),
        Arguments.of("Infinity string", feature("[\"Infinity\",0]", ""), "longitude must be a number"),
        Arguments.of("-Infinity string", feature("[0,\"-Infinity\"]", ""), "latitude must be a number"),
        Arguments.of("empty string", feature("[\"\",0]", ""), "longitude must be a number"),
        Arguments.of("word", feature("[\"west\",0]", ""), "longitude must be a number"),
        Arguments.of("comma decimal", feature("[\"1,5\",0]", ""), "longitude must be a number"),
        Arguments.of("hex string", feature("[\"0x10\",0]", ""), "longitude must be a number"),
        Arguments.of("degrees symbol", feature("[\"12.5\u00b0\",0]", ""), "longitude must be a number"),
        Arguments.of("65-character numeric string", feature("[\"0." + "1".repeat(63) + "\",0]", ""), "longitude must be a number"),
        // created
        Arguments.of("negative created", feature(ok, "\"created\":-1"), "created must be epoch seconds"),
        Arguments.of("created past year 9999", feature(ok, "\"created\":" + (PointRecord.MAX_CREATED + 1)), "created must be epoch seconds"),
        Arguments.of("created as word", feature(ok, "\"created\":\"yesterday\""), "created must be a number"),
        Arguments.of("created NaN string", feature(ok, "\"created\":\"NaN\""), "created must be a number"),
        Arguments.of("created boolean", feature(ok, "\"created\":true"), "created must be a number"),
        Arguments.of("created object", feature(ok, "\"created\":{}"), "created must be a number"),
        // properties
        Arguments.of("properties as array", feature(ok, "\"properties\":[1]"), "\"properties\" must be an object"),
        Arguments.of("properties as string", feature(ok, "\"properties\":\"x\""), "\"properties\" must be an object"),
        // id in the body
        Arguments.of("body id differs from URL", feature(ok, "\"id\":\"other\""), "differs from the URL"),
        Arguments.of("body id as boolean", feature(ok, "\"id\":true"), "\"id\" must be a string"),
        Arguments.of("body id as object", feature(ok, "\"id\":{\"a\":1}"), "\"id\" must be a string"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFeatures")
  @DisplayName("a bad Feature body is refused as invalid input that says what is wrong")
  void refusesBadFeatures(String name, String body, String message) {
    assertThatThrownBy(() -> accept("places", "rec-1", body))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  static Stream<Arguments> badNames() {
    return Stream.of(
        Arguments.of("empty layer", "", "rec-1", "layer name is empty"),
        Arguments.of("layer with slash", "a/b", "rec-1", "layer name may contain only"),
        Arguments.of("layer with '..'", "a..b", "rec-1", "layer name may not be"),
        Arguments.of("layer with Cyrillic a", "pl\u0430ces", "rec-1", "layer name may contain only"),
        Arguments.of("layer too long", "l".repeat(129), "rec-1", "layer name is longer than"),
        Arguments.of("empty id", "places", "", "record id is empty"),
        Arguments.of("id with slash", "places", "a/b", "record id may contain only"),
        Arguments.of("id '..'", "places", "..", "record id may not be"),
        Arguments.of("id with zero-width space", "places", "rec\u200B1", "record id may contain only"),
        Arguments.of("id with control char", "places", "rec\u00071", "record id may contain only"),
        Arguments.of("id too long", "places", "i".repeat(257), "record id is longer than"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badNames")
  @DisplayName("a bad layer name or record id is refused even when the body is good")
  void refusesBadNames(String name, String layer, String id, String message) {
    assertThatThrownBy(() -> accept(layer, id, feature("[1,2]", "")))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining(message);
  }

  @Test
  @DisplayName("a bulk Feature without an id is refused, and one with a bad id is refused by the id rules")
  void bulkNeedsId() {
    assertThatThrownBy(() -> accept("places", null, feature("[1,2]", "")))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("every feature needs an \"id\"");
    assertThatThrownBy(() -> accept("places", null, feature("[1,2]", "\"id\":\"a/b\"")))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("record id may contain only");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  @DisplayName("a non-finite double coordinate in a programmatically built Feature is refused as invalid input")
  void refusesNonFiniteDoubles(double value) {
    JsonObject feature = new JsonObject()
        .put("type", "Feature")
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(value).add(1.0)));
    assertThatThrownBy(() -> PointRecord.fromFeature("places", "rec-1", feature, NOW))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("longitude must be a number");
  }

  @Test
  @DisplayName("numbers keep the exact decimal text the client sent")
  void keepsExactDigits() {
    PointRecord record = accept("places", "rec-1", feature("[-122.433287165,37.774929000]", ""));
    assertThat(record.lon().toString()).isEqualTo("-122.433287165");
    assertThat(record.lat().toString()).isEqualTo("37.774929000");
    assertThat(record.coordinatesJson()).isEqualTo("[-122.433287165,37.774929000]");
  }

  @Test
  @DisplayName("numeric strings are accepted as coordinates, trimmed, with their digits kept")
  void acceptsNumericStrings() {
    PointRecord record = accept("places", "rec-1", feature("[\" -122.433287165 \",\"37.10\"]", ""));
    assertThat(record.lon()).isEqualTo(new BigDecimal("-122.433287165"));
    assertThat(record.lat()).isEqualTo(new BigDecimal("37.10"));
    assertThat(record.coordinatesJson()).isEqualTo("[-122.433287165,37.10]");
  }

  @ParameterizedTest(name = "[{0}, {1}]")
  @CsvSource({"180, 90", "-180, -90", "0, 0", "179.999999, -89.999999", "+12.5, -0"})
  @DisplayName("coordinates on or inside the bounds are accepted")
  void acceptsBounds(String lon, String lat) {
    PointRecord record = accept("places", "rec-1", feature("[\"" + lon + "\",\"" + lat + "\"]", ""));
    assertThat(record.lon()).isEqualByComparingTo(lon);
    assertThat(record.lat()).isEqualByComparingTo(lat);
  }

  @Test
  @DisplayName("a third coordinate (altitude) is allowed and ignored")
  void acceptsAltitude() {
    PointRecord record = accept("places", "rec-1", feature("[1.5,2.5,100]", ""));
    assertThat(record.coordinatesJson()).isEqualTo("[1.5,2.5]");
  }

  @Test
  @DisplayName("created defaults to the time given as now")
  void createdDefaultsToNow() {
    assertThat(accept("places", "rec-1", feature("[1,2]", "")).created()).isEqualTo(NOW);
    assertThat(PointRecord.fromFeature("places", "rec-1", ExactJson.parseObject(feature("[1,2]", "")), 42L).created())
        .isEqualTo(42L);
  }

  @ParameterizedTest(name = "created {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1300000000 | 1300000000",
        "\"1300000000\" | 1300000000",
        "\" 1300000000 \" | 1300000000",
        "1300000000.75 | 1300000000",
        "0 | 0",
        "253402300799 | 253402300799"
      })
  @DisplayName("created is read as epoch seconds from a number or a numeric string")
  void createdFromNumberOrString(String json, long expected) {
    assertThat(accept("places", "rec-1", feature("[1,2]", "\"created\":" + json)).created()).isEqualTo(expected);
  }

  @Test
  @DisplayName("properties are kept exactly, minus a reserved \"layer\" member, without changing the input")
  void keepsProperties() {
    JsonObject body = ExactJson.parseObject(
        feature("[1,2]", "\"properties\":{\"price\":1.10,\"layer\":\"spoof\",\"tags\":[\"a\",2.50]}"));
    PointRecord record = PointRecord.fromFeature("places", "rec-1", body, NOW);
    assertThat(record.properties().encode()).isEqualTo("{\"price\":1.10,\"tags\":[\"a\",2.50]}");
    assertThat(body.getJsonObject("properties").getString("layer")).isEqualTo("spoof");
  }

  @Test
  @DisplayName("missing properties become an empty object")
  void missingProperties() {
    assertThat(accept("places", "rec-1", feature("[1,2]", "")).properties()).isEqualTo(new JsonObject());
  }

  @Test
  @DisplayName("an id in the body that matches the URL, or stands alone in a bulk write, is used")
  void bodyIds() {
    assertThat(accept("places", "rec-1", feature("[1,2]", "\"id\":\"rec-1\"")).id()).isEqualTo("rec-1");
    assertThat(accept("places", "42", feature("[1,2]", "\"id\":42")).id()).isEqualTo("42");
    PointRecord bulk = accept("places", null, feature("[1,2]", "\"id\":\"bulk-7\""));
    assertThat(bulk.id()).isEqualTo("bulk-7");
    assertThat(bulk.layer()).isEqualTo("places");
  }

  @Test
  @DisplayName("coordinates in exponent notation go out in plain notation with the same value")
  void exponentCoordinatesGoOutPlain() {
    JsonObject feature = ExactJson.parseObject(
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1e-7,-2.5E+1]}}");
    PointRecord record = PointRecord.fromFeature("places", "rec-1", feature, NOW);
    assertThat(record.coordinatesJson()).isEqualTo("[0.0000001,-25]");
  }

  @ParameterizedTest(name = "expires {0}")
  @CsvSource({"'', 0", "'\"expires\":0', 0", "'\"expires\":1700000001', 1700000001", "'\"expires\":\"1700003600\"', 1700003600",
      "'\"expires\":1700000060.9', 1700000060"})
  @DisplayName("expires is optional: absent or 0 for never, else whole epoch seconds after now, as a number or a numeric string")
  void acceptsExpires(String extra, long expected) {
    assertThat(accept("places", "rec-1", feature("[1,2]", extra)).expires()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "expires {0}")
  @ValueSource(strings = {"1700000000", "1699999999", "-1", "253402300800", "\"soon\"", "true", "{}"})
  @DisplayName("an expires that is not after now, beyond year 9999 or not a number is refused, naming the field")
  void refusesBadExpires(String value) {
    assertThatThrownBy(() -> accept("places", "rec-1", feature("[1,2]", "\"expires\":" + value)))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("expires");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
    "1e-999999999", "\"1e-999999999\"", "1e999999999", "\"1e999999999\"", "-1E-2147483647", "\"-1E-2147483647\"",
    "1E+2147483647", "\"1E+2147483647\"", "\"0E-999999999\"", "\"1.00000000000000000000000000000000000000001\""
  })
  @DisplayName("a number bomb in any numeric field is refused fast with a 400 naming the field, as a number or a string")
  void numberBombs(String bomb) {
    String ok = "[1.5,2.5]";
    String[][] cases = {
      {feature("[1.5," + bomb + "]", ""), "latitude", "geometry.coordinates[1]"},
      {feature("[" + bomb + ",2.5]", ""), "longitude", "geometry.coordinates[0]"},
      {feature(ok, "\"created\":" + bomb), "created", "created"},
      {feature(ok, "\"expires\":" + bomb), "expires", "expires"}
    };
    for (String[] c : cases) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> PointRecord.fromFeature("places", "rec-1", ExactJson.parseObject(c[0]), NOW, 300))
          .as(c[0])
          .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
          .satisfies(f -> assertThat(f.getMessage()).containsAnyOf(c[1] + " must be a number of at most", c[2] + " must be a number of at most"));
      assertThat(System.nanoTime() - started).as("nanoseconds to refuse " + c[0]).isLessThan(1_000_000_000L);
    }
  }

  @Test
  @DisplayName("a coordinate of 40 significant digits keeps them all")
  void fortyDigits() {
    String forty = "1.234567890123456789012345678901234567890";
    assertThat(accept("places", "rec-1", feature("[" + forty + ",-" + forty + "]", "")).coordinatesJson())
        .isEqualTo("[" + forty + ",-" + forty + "]");
    assertThat(accept("places", "rec-1", feature("[-122.433287165,\"37.7749\"]", "")).coordinatesJson())
        .isEqualTo("[-122.433287165,37.7749]");
  }

  @Test
  @DisplayName("created may lie at most the skew ahead of the server's clock; beyond is 400 naming the limit, the past stays open")
  void createdAhead() {
    JsonObject ahead = ExactJson.parseObject(feature("[1,2]", "\"created\":" + (NOW + 300)));
    PointRecord record = PointRecord.fromFeature("places", "rec-1", ahead, NOW, 300);
    assertThat(record.created()).isEqualTo(NOW + 300);
    assertThat(record.stamp()).as("ordered as of its acceptance").isEqualTo(NOW);

    JsonObject tooFar = ExactJson.parseObject(feature("[1,2]", "\"created\":" + (NOW + 301)));
    assertThatThrownBy(() -> PointRecord.fromFeature("places", "rec-1", tooFar, NOW, 300))
        .isInstanceOfSatisfying(Failure.class, f -> assertThat(f.status()).isEqualTo(400))
        .hasMessageContaining("at most 300 s (http.createdSkewSeconds)");
    JsonObject year9999 = ExactJson.parseObject(feature("[1,2]", "\"created\":" + PointRecord.MAX_CREATED));
    assertThatThrownBy(() -> PointRecord.fromFeature("places", "rec-1", year9999, NOW, 300)).isInstanceOf(Failure.class);

    JsonObject past = ExactJson.parseObject(feature("[1,2]", "\"created\":1000000000"));
    PointRecord old = PointRecord.fromFeature("places", "rec-1", past, NOW, 300);
    assertThat(old.created()).isEqualTo(1_000_000_000L);
    assertThat(old.stamp()).isEqualTo(1_000_000_000L);
  }
}
