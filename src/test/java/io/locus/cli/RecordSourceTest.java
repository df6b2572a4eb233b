package io.locus.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Import sources: NDJSON, GeoJSON and CSV, each record numbered as the report names it")
class RecordSourceTest {
  private static final RecordSource.Columns COLUMNS = new RecordSource.Columns("lat", "lon", "id");

  private static List<RecordSource.Numbered> read(RecordSource.Format format, String text) throws IOException {
    List<RecordSource.Numbered> records = new ArrayList<>();
    try (RecordSource source = RecordSource.open(format, new StringReader(text), COLUMNS)) {
      RecordSource.Numbered next;
      while ((next = source.next()) != null) {
        records.add(next);
      }
    }
    return records;
  }

  @Test
  @DisplayName("NDJSON: each non-blank line by its line number, a broken one passed on for the server to refuse")
  void ndjson() throws IOException {
    List<RecordSource.Numbered> records = read(RecordSource.Format.NDJSON, "{\"id\":\"a\"}\n\n  {broken\n{\"id\":\"c\"}\n");
    assertThat(records).extracting(RecordSource.Numbered::number).containsExactly(1L, 3L, 4L);
    assertThat(records.get(1).line()).isEqualTo("{broken");
  }

  @Test
  @DisplayName("GeoJSON: the members of the features array, streamed, whatever comes before it")
  void geojson() throws IOException {
    String collection = "{\"type\":\"FeatureCollection\",\"bbox\":[0,0,1,1],\"meta\":{\"features\":1},\"features\":["
        + "{\"type\":\"Feature\",\"id\":\"a\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.433287165,37.5]}},"
        + "{\"type\":\"Feature\",\"id\":\"b\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]},\"properties\":{\"n\":1}}]}";
    List<RecordSource.Numbered> records = read(RecordSource.Format.GEOJSON, collection);
    assertThat(records).extracting(RecordSource.Numbered::number).containsExactly(1L, 2L);
    assertThat(new JsonObject(records.get(0).line()).getJsonObject("geometry").getJsonArray("coordinates").encode())
        .isEqualTo("[-122.433287165,37.5]");
    assertThat(new JsonObject(records.get(1).line()).getString("id")).isEqualTo("b");
    assertThatThrownBy(() -> read(RecordSource.Format.GEOJSON, "[1,2]")).hasMessageContaining("FeatureCollection");
  }

  @Test
  @DisplayName("CSV: a Point from the lat and lon columns, the id column as id, the others as properties, numbered by line")
  void csv() throws IOException {
    List<RecordSource.Numbered> records = read(RecordSource.Format.CSV, "id,name,lat,lon\np1,\"Alamo, Square\",37.7764,-122.4346\np2,Dolores,37.7596,-122.4269\n");
    assertThat(records).extracting(RecordSource.Numbered::number).containsExactly(2L, 3L);
    JsonObject first = new JsonObject(records.get(0).line());
    assertThat(first.getString("id")).isEqualTo("p1");
    assertThat(first.getJsonObject("geometry").getJsonArray("coordinates").encode()).isEqualTo("[\"-122.4346\",\"37.7764\"]");
    assertThat(first.getJsonObject("properties")).isEqualTo(new JsonObject().put("name", "Alamo, Square"));
    assertThatThrownBy(() -> read(RecordSource.Format.CSV, "id,latitude,lon\np1,1,2\n")).hasMessageContaining("'lat'");
  }

  @Test
  @DisplayName("the format follows the file's extension")
  void formatOfName() {
    assertThat(RecordSource.Format.of("cities.CSV")).isEqualTo(RecordSource.Format.CSV);
    assertThat(RecordSource.Format.of("parks.geojson")).isEqualTo(RecordSource.Format.GEOJSON);
    assertThat(RecordSource.Format.of("parks.json")).isEqualTo(RecordSource.Format.GEOJSON);
    assertThat(RecordSource.Format.of("parks.ndjson")).isEqualTo(RecordSource.Format.NDJSON);
  }

  @Test
  @DisplayName("a record without created gets the import's time, so that sending it twice writes the same rows")
  void created() {
    assertThat(new JsonObject(ImportCommand.withCreated("{\"id\":\"a\"}", 1764172800L)).getLong("created")).isEqualTo(1764172800L);
    assertThat(new JsonObject(ImportCommand.withCreated("{\"id\":\"a\",\"created\":5}", 1764172800L)).getLong("created")).isEqualTo(5L);
    assertThat(ImportCommand.withCreated("{broken", 1)).isEqualTo("{broken");
  }

  @Test
  @DisplayName("a record passed through keeps its numbers' digits: trailing zeros, long decimals, no exponent")
  void digits() {
    String feature = "{\"id\":\"a\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.4990,37.700000000000001]},\"properties\":{\"h\":1200.0,\"big\":1E+3}}";
    assertThat(ImportCommand.withCreated(feature, 7))
        .isEqualTo("{\"id\":\"a\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.4990,37.700000000000001]},\"properties\":{\"h\":1200.0,\"big\":1000},\"created\":7}");
  }

  @Test
  @DisplayName("an exported Feature is the record as written: no links, distance, or layer property")
  void exported() throws IOException {
    ObjectNode feature = (ObjectNode) RecordSource.JSON.readTree(
        "{\"type\":\"Feature\",\"id\":\"a\",\"created\":5,\"geometry\":{\"type\":\"Point\",\"coordinates\":[1.50,2]},"
            + "\"properties\":{\"layer\":\"l\",\"name\":\"A\"},\"selfLink\":{\"href\":\"x\"},\"layerLink\":{\"href\":\"y\"},\"distance\":3.5}");
    assertThat(RecordSource.JSON.writeValueAsString(ExportCommand.stored(feature)))
        .isEqualTo("{\"type\":\"Feature\",\"id\":\"a\",\"created\":5,\"geometry\":{\"type\":\"Point\",\"coordinates\":[1.50,2]},\"properties\":{\"name\":\"A\"}}");
  }

  @Test
  @DisplayName("a retry waits what Retry-After says (seconds, at most a minute), else a jittered pause that grows to 30 s")
  void retryPauses() {
    assertThat(Connection.retryAfterMs("3")).isEqualTo(3_000);
    assertThat(Connection.retryAfterMs(" 600 ")).isEqualTo(60_000);
    assertThat(Connection.retryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(1_000);
    for (int attempt = 0; attempt < 20; attempt++) {
      long ceiling = Math.min(30_000, 500L << Math.min(attempt, 6));
      assertThat(Connection.backoffMs(attempt)).isBetween(ceiling / 2, ceiling);
    }
  }
}
