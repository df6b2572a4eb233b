package io.locus.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.Locus;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real node process under write load gets SIGTERM: it must drain within its deadline, settle
 * every delivery it held, and lose no write it answered 202 — what is still queued is applied
 * by the next node on the same queues.
 */
@DisplayName("SIGTERM under load: the node drains in time and loses nothing it accepted")
class ShutdownIT {
  private static final int PORT = 18380;
  private static final String PREFIX = "locus.shutdown";
  private static final int DEADLINE_MS = 10_000;
  private static final String LAYER = "it.shutdown";

  @Test
  void sigtermUnderLoad(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("node.log");
    Process node = launch(log);
    Http http = new Http("http://127.0.0.1:" + PORT);
    Eventually.await(Duration.ofSeconds(60), () -> status(http, "/health/ready"), s -> s == 200);
    assertThat(http.put("/0.1/layers/" + LAYER + ".json", "{}").status()).isEqualTo(200);

    Map<String, String> acked = new ConcurrentHashMap<>();
    AtomicInteger refused = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    for (int c = 0; c < 4; c++) {
      int client = c;
      clients.submit(
          () -> {
            for (int i = 0; running.get(); i++) {
              String id = "c" + client + "-" + i;
              String body = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + (i % 180) + "," + client + "]}}";
              try {
                if (http.put("/0.1/records/" + LAYER + "/" + id + ".json", body).status() == 202) {
                  acked.put(id, body);
                } else {
                  refused.incrementAndGet();
                }
              } catch (UncheckedIOException closed) {
                refused.incrementAndGet();
              }
            }
          });
    }
    Eventually.await(Duration.ofSeconds(60), acked::size, n -> n >= 300);

    long signalled = System.nanoTime();
    node.destroy(); // SIGTERM
    boolean exited = node.waitFor(DEADLINE_MS + 15_000, TimeUnit.MILLISECONDS);
    long tookMs = (System.nanoTime() - signalled) / 1_000_000;
    running.set(false);
    clients.shutdown();
    assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    assertThat(exited).as("exited within the deadline and the close").isTrue();
    System.out.printf("SIGTERM: exited %d in %d ms; %d writes acknowledged, %d refused or cut%n",
        node.exitValue(), tookMs, acked.size(), refused.get());

    List<JsonObject> lines = jsonLines(log);
    assertThat(lines).as("JSON log lines").isNotEmpty();
    assertThat(messages(lines)).anyMatch(m -> m.startsWith("drained: every verticle stopped"));
    assertThat(messages(lines)).anyMatch(m -> m.equals("writer stopped; 0 deliveries left for the broker to requeue"));

    // Whatever the node had not applied is still on the queues: the next node applies it.
    try (TestNode next = TestNode.start(Map.of("LOCUS_RABBITMQ_NAME_PREFIX", PREFIX))) {
      for (Map.Entry<String, String> write : acked.entrySet()) {
        Response read = next.http.awaitStatus("/0.1/records/" + LAYER + "/" + write.getKey() + ".json", 200);
        assertThat(read.json().getJsonObject("geometry"))
            .isEqualTo(new JsonObject(write.getValue()).getJsonObject("geometry"));
      }
    }
  }

  private static Process launch(Path log) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m",
                "-cp", System.getProperty("java.class.path"),
                Locus.class.getName(),
                "--config", "conf/locus.json"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(
        Map.of(
            "LOCUS_HTTP_PORT", String.valueOf(PORT),
            "LOCUS_CASSANDRA_KEYSPACE", TestNode.KEYSPACE,
            "LOCUS_RABBITMQ_NAME_PREFIX", PREFIX,
            "LOCUS_RABBITMQ_SHARDS", "4",
            "LOCUS_LIFECYCLE_SHUTDOWN_DEADLINE_MS", String.valueOf(DEADLINE_MS),
            "LOCUS_LOGGING_FORMAT", "json"));
    return builder.start();
  }

  private static int status(Http http, String path) {
    try {
      return http.unsigned().get(path).status();
    } catch (UncheckedIOException notYet) {
      return -1;
    }
  }

  private static List<JsonObject> jsonLines(Path log) throws IOException {
    List<JsonObject> lines = new ArrayList<>();
    for (String line : Files.readAllLines(log)) {
      if (line.startsWith("{")) {
        lines.add(new JsonObject(line));
      }
    }
    return lines;
  }

  private static List<String> messages(List<JsonObject> lines) {
    return lines.stream().map(line -> String.valueOf(line.getString("formattedMessage"))).toList();
  }
}
