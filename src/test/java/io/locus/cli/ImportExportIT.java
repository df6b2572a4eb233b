package io.locus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.ingest.RabbitSettings;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("locus import and export: a file into a layer of a running node and back, resumable, every refused record named")
class ImportExportIT {
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  /** What one run of the command printed, and its exit code. */
  private record Outcome(int exit, String out, String err) {}

  private static Outcome command(String name, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    NodeDefaults defaults = new NodeDefaults(NODE.http().base(), Http.DEV_KEY, Http.DEV_SECRET, "", RabbitSettings.from(NODE.node().config.getJsonObject("rabbitmq")));
    int exit = Commands.run(name, List.of(args), defaults,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static Outcome run(String... args) {
    return command("import", args);
  }

  /** Record n's position, with the digits it is sent with (trailing zeros too: they must come back). */
  private static String coordinates(int n) {
    return "[" + BigDecimal.valueOf(-1_225_000 + n, 4).toPlainString() + "," + BigDecimal.valueOf(377_000 + n, 4).toPlainString() + "]";
  }

  /** The records of a layer's whole-world box search, once there are {@code count}. */
  private static JsonArray allOf(String layer, int count) {
    return Eventually.await(Duration.ofSeconds(30),
        () -> NODE.http().get("/0.1/records/" + layer + "/within/-90,-180,90,180.json?limit=500").json().getJsonArray("features"),
        features -> features.size() == count);
  }

  /** A record's coordinates as the API writes them (the text: a parsed number would lose trailing zeros), or null. */
  private static String record(String layer, String id) {
    Response answer = NODE.http().get("/0.1/records/" + layer + "/" + id + ".json");
    if (answer.status() != 200) {
      return null;
    }
    int at = answer.body().indexOf("\"coordinates\":") + "\"coordinates\":".length();
    return answer.body().substring(at, answer.body().indexOf(']', at) + 1);
  }

  @Test
  @DisplayName("an import stopped midway resumes from its checkpoint: every record once, refusals named by line")
  void resumes(@TempDir Path dir) throws IOException {
    String layer = NODE.http().newLayer("it.import.");
    List<String> lines = new ArrayList<>();
    for (int n = 1; n <= 1_050; n++) {
      lines.add(switch (n) {
        case 7 -> "{\"type\":\"Feature\",\"id\":\"r7\",\"geometry\":"; // cut short
        case 600 -> "{\"type\":\"Feature\",\"id\":\"r600\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[10,91]}}";
        default -> "{\"type\":\"Feature\",\"id\":\"r" + n + "\",\"geometry\":{\"type\":\"Point\",\"coordinates\":" + coordinates(n) + "},\"properties\":{\"n\":" + n + "}}";
      });
    }
    Path file = dir.resolve("points.ndjson");
    Files.write(file, lines, StandardCharsets.UTF_8);
    Path checkpoint = dir.resolve("points.ndjson.checkpoint");

    Outcome first = run("--layer", layer, "--batch", "100", "--in-flight", "3", "--limit", "400", "--progress", "none", file.toString());
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).contains(layer + ": 399 accepted, 1 rejected; 400 records").contains("rejected line 7:");
    assertThat(Files.readString(checkpoint)).contains("\"done\":400");

    Outcome second = run("--layer", layer, "--batch", "100", "--in-flight", "3", "--progress", "lines", file.toString());
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.err()).contains("resuming after record 400");
    assertThat(second.out()).contains(layer + ": 1048 accepted, 2 rejected; 650 records")
        .contains("rejected line 7:").contains("rejected line 600: ").contains("latitude");
    assertThat(checkpoint).doesNotExist();

    Eventually.await(Duration.ofSeconds(30), () -> record(layer, "r1050"), coordinates(1050)::equals);
    for (int n : new int[] {1, 6, 8, 399, 400, 401, 599, 601, 1049}) {
      assertThat(Eventually.await(Duration.ofSeconds(30), () -> record(layer, "r" + n), position -> position != null))
          .as("r" + n).isEqualTo(coordinates(n));
    }
    assertThat(record(layer, "r7")).isNull();
    assertThat(record(layer, "r600")).isNull();
    for (int n : new int[] {400, 401}) {
      JsonObject history = NODE.http().get("/0.1/records/" + layer + "/r" + n + "/history.json").json();
      assertThat(history.getJsonArray("geometries")).as("r" + n + " written once").hasSize(1);
    }
  }

  @Test
  @DisplayName("a CSV file and a GeoJSON FeatureCollection, by their extensions")
  void csvAndGeoJson(@TempDir Path dir) throws IOException {
    String layer = NODE.http().newLayer("it.import.");
    Path csv = dir.resolve("parks.csv");
    Files.writeString(csv, "id,name,latitude,longitude\nalamo,\"Alamo, Square\",37.7764,-122.4346\ndolores,Dolores,37.7596,-122.4269\n");
    Outcome fromCsv = run("--layer", layer, "--lat-column", "latitude", "--lon-column", "longitude", "--progress", "none", csv.toString());
    assertThat(fromCsv.exit()).as(fromCsv.err()).isZero();
    assertThat(fromCsv.out()).contains(": 2 accepted, 0 rejected");

    Path geojson = dir.resolve("more.geojson");
    Files.writeString(geojson, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"id\":\"presidio\","
        + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.4662,37.7989]},\"properties\":{\"name\":\"Presidio\"}}]}");
    Outcome fromGeoJson = run("--layer", layer, "--progress", "none", geojson.toString());
    assertThat(fromGeoJson.exit()).as(fromGeoJson.err()).isZero();
    assertThat(fromGeoJson.out()).contains(": 1 accepted, 0 rejected");

    JsonObject alamo = Eventually.await(Duration.ofSeconds(30), () -> NODE.http().get("/0.1/records/" + layer + "/alamo.json"), r -> r.status() == 200).json();
    assertThat(alamo.getJsonObject("geometry").getJsonArray("coordinates").encode()).isEqualTo("[-122.4346,37.7764]");
    assertThat(alamo.getJsonObject("properties").getString("name")).isEqualTo("Alamo, Square");
    assertThat(Eventually.await(Duration.ofSeconds(30), () -> record(layer, "presidio"), position -> position != null)).isEqualTo("[-122.4662,37.7989]");
  }

  @Test
  @DisplayName("an export stopped midway resumes from its checkpoint, cutting what it wrote past it; the file imports back whole")
  void exportResumesAndImportsBack(@TempDir Path dir) throws IOException {
    String layer = NODE.http().newLayer("it.export.");
    List<String> lines = new ArrayList<>();
    for (int n = 1; n <= 250; n++) {
      lines.add("{\"type\":\"Feature\",\"id\":\"e" + n + "\",\"created\":" + (1_700_000_000 + n) + ",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
          + coordinates(n) + "},\"properties\":{\"n\":" + n + ",\"name\":\"point " + n + "\"}}");
    }
    Path source = dir.resolve("source.ndjson");
    Files.write(source, lines, StandardCharsets.UTF_8);
    assertThat(run("--layer", layer, "--progress", "none", source.toString()).out()).contains(": 250 accepted, 0 rejected");
    allOf(layer, 250);

    Path exported = dir.resolve("exported.ndjson");
    Path checkpoint = dir.resolve("exported.ndjson.checkpoint");
    Outcome first = command("export", "--layer", layer, "--page", "100", "--limit", "150", "--progress", "none", "--output", exported.toString());
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.err()).contains(layer + ": 150 records exported");
    assertThat(Files.readAllLines(exported)).hasSize(150);
    assertThat(checkpoint).exists();
    Files.writeString(exported, "{\"type\":\"Feature\",\"id\":\"half-writt", StandardOpenOption.APPEND); // a crash mid-line

    Outcome second = command("export", "--layer", layer, "--page", "100", "--progress", "lines", "-o", exported.toString());
    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(second.err()).contains("resuming after record 150").contains(layer + ": 250 records exported");
    assertThat(checkpoint).doesNotExist();
    List<String> written = Files.readAllLines(exported);
    assertThat(written).hasSize(250);
    assertThat(new HashSet<>(written)).as("every record once, as it was written: its digits, time and properties").isEqualTo(new HashSet<>(lines));

    String copy = NODE.http().newLayer("it.export.copy.");
    assertThat(run("--layer", copy, "--progress", "none", exported.toString()).out()).contains(copy + ": 250 accepted, 0 rejected");
    assertThat(allOf(copy, 250)).hasSize(250);
  }

  @Test
  @DisplayName("a layer that does not exist stops the import with the server's answer, exit 1, and the checkpoint kept")
  void unknownLayer(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("one.ndjson");
    Files.writeString(file, "{\"type\":\"Feature\",\"id\":\"a\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}\n");
    Outcome outcome = run("--layer", "it.import.nosuchlayer", "--progress", "none", file.toString());
    assertThat(outcome.exit()).isEqualTo(1);
    assertThat(outcome.err()).contains("stopped after record 0").contains("404").contains("run the same command again");
    Outcome badArguments = run("--layer", "x", "--batch", "0", file.toString());
    assertThat(badArguments.exit()).isEqualTo(2);
    Outcome export = command("export", "--layer", "it.import.nosuchlayer", "--progress", "none", "-o", dir.resolve("out.ndjson").toString());
    assertThat(export.exit()).isEqualTo(1);
    assertThat(export.err()).contains("stopped after record 0").contains("404");
    assertThat(command("export", "--layer", "x", "--page", "501").exit()).isEqualTo(2);
  }
}
