package io.locus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.locus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A node with bad configuration stops at start with one clear line")
class StartupIT {

  private static void assertStartFails(Map<String, String> overrides, String expected) {
    JsonObject config = TestNode.config(overrides);
    Vertx vertx = Vertx.vertx();
    try {
      long started = System.nanoTime();
      assertThatThrownBy(() -> vertx.deployVerticle(new MainVerticle(NodeSettings.from(config))).await())
          .hasMessageContaining(expected);
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      // A node tries Cassandra three times over about 10 s before it gives up (Cassandra.retryAtStart).
      assertThat(elapsedMs).as("time to fail").isLessThan(30_000);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("an unreachable Cassandra is named by its config key")
  void unreachableCassandra() {
    assertStartFails(Map.of("LOCUS_CASSANDRA_PORT", "1"), "cassandra.host");
  }

  @Test
  @DisplayName("an unreachable RabbitMQ is named by its config key")
  void unreachableRabbit() {
    assertStartFails(Map.of("LOCUS_RABBITMQ_PORT", "1", "LOCUS_ROLES", "api,publisher"), "rabbitmq.host");
  }

  @Test
  @DisplayName("an unreadable geodata file is named by its config key, before any connection is tried")
  void unreadablePlaces() {
    // Cassandra's port is wrong too: the file is what the node must report, since it checks it first.
    assertStartFails(Map.of("LOCUS_PLACES_CITIES_FILE", "/no/such/cities.tsv", "LOCUS_CASSANDRA_PORT", "1"), "places.citiesFile");
  }

  @Test
  @DisplayName("the launcher prints one line naming a wrong-typed key and exits 1")
  void launcherBadConfig(@TempDir Path dir) throws IOException, InterruptedException {
    Path config = dir.resolve("bad.json");
    String text = Files.readString(Path.of("conf/locus.json")).replace("\"port\": 8080", "\"port\": \"eighty\"");
    Files.writeString(config, text);
    List<String> errors = launch("--config", config.toString());
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0)).startsWith("locus: ").contains("'http.port'").contains("LOCUS_HTTP_PORT");
  }

  @Test
  @DisplayName("the launcher prints one line naming a missing key and exits 1")
  void launcherMissingKey(@TempDir Path dir) throws IOException, InterruptedException {
    Path config = dir.resolve("missing.json");
    JsonObject json = new JsonObject(Files.readString(Path.of("conf/locus.json")));
    json.getJsonObject("rabbitmq").remove("shards");
    Files.writeString(config, json.encodePrettily());
    List<String> errors = launch("--config", config.toString());
    assertThat(errors).containsExactly(
        "locus: config key 'rabbitmq.shards' (env LOCUS_RABBITMQ_SHARDS) is missing");
  }

  private static List<String> launch(String... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Locus.class.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
  }
}
