package io.locus;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.auth.AuthSettings;
import io.locus.cli.Commands;
import io.locus.cli.NodeDefaults;
import io.locus.ingest.RabbitSettings;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.Http.Response;
import io.locus.support.RunningNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Roles scaled while the node runs ({@code /admin/roles}, {@code locus scale}): the instances
 * change, the gauge follows, and writes accepted while instances come and go are all applied.
 * Each test leaves the node with its configured instances.
 */
@DisplayName("Roles scaled at runtime")
class RolesIT {
  @RegisterExtension static final RunningNode NODE = new RunningNode();
  private static final String ADMIN_KEY = AuthSettings.DEVELOPMENT_ADMIN_KEY;

  @Test
  @DisplayName("GET /admin/roles lists the node with the instances its configuration gave each role")
  void listsTheNode() {
    Response roles = admin("GET", "/admin/roles", null);
    assertThat(roles.status()).as(roles.body()).isEqualTo(200);
    JsonObject node = roles.json().getJsonArray("nodes").getJsonObject(0);
    assertThat(roles.json().getJsonArray("nodes")).hasSize(1);
    assertThat(node.getString("node")).endsWith(":" + NODE.node().config.getJsonObject("http").getInteger("port"));
    JsonObject configured = NODE.node().config.getJsonObject("instances");
    assertThat(node.getJsonObject("roles").getMap()).containsOnlyKeys("api", "publisher", "writer", "query");
    for (String role : List.of("api", "publisher", "writer", "query")) {
      assertThat(node.getJsonObject("roles").getInteger(role)).as(role).isEqualTo(configured.getInteger(role));
    }
  }

  @Test
  @DisplayName("writers, publishers, query and API instances scaled up and down under writes, down to none: every accepted write is applied")
  void scaledUnderWrites() throws Exception {
    String layer = NODE.http().newLayer("it.roles.");
    Writes writes = new Writes(layer);
    writes.start();
    try {
      writes.awaitAccepted(20);
      assertThat(scale("writer", 4)).isEqualTo(4);
      assertThat(gauge("writer")).isEqualTo(4);
      assertThat(scale("query", 3)).isEqualTo(3);
      assertThat(scale("publisher", 2)).isEqualTo(2);
      assertThat(scale("api", 1)).isEqualTo(1);
      writes.awaitAccepted(writes.acks.get() + 20);
      assertThat(scale("writer", 0)).isEqualTo(0);
      writes.awaitAccepted(writes.acks.get() + 20); // accepted while no writer runs: they wait in the queues
      JsonObject configured = NODE.node().config.getJsonObject("instances"); // back as configured, for the other tests
      for (String role : List.of("writer", "query", "publisher", "api")) {
        assertThat(scale(role, configured.getInteger(role))).as(role).isEqualTo(configured.getInteger(role));
      }
      assertThat(gauge("writer")).isEqualTo(configured.getInteger("writer").doubleValue());
      writes.awaitAccepted(writes.acks.get() + 20);
    } finally {
      writes.stop();
    }
    assertThat(writes.unexpected).as("answers other than 202 or 503").isEmpty();
    Map<String, String> accepted = writes.accepted;
    Eventually.await(Duration.ofSeconds(60), () -> behind(layer, accepted), List::isEmpty, Duration.ofMillis(500));
  }

  @Test
  @DisplayName("locus scale ROLE N scales through the admin surface and prints each node's roles")
  void cli() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    NodeDefaults defaults = new NodeDefaults(NODE.http().base(), Http.DEV_KEY, Http.DEV_SECRET, ADMIN_KEY, RabbitSettings.from(NODE.node().config.getJsonObject("rabbitmq")));
    int configured = NODE.node().config.getJsonObject("instances").getInteger("query");
    int code = Commands.run("scale", List.of("query", String.valueOf(configured + 1)), defaults, print(out), print(err));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(":" + NODE.node().config.getJsonObject("http").getInteger("port") + ": ").contains("\"query\":" + (configured + 1));
    assertThat(admin("GET", "/admin/roles", null).json().getJsonArray("nodes").getJsonObject(0).getJsonObject("roles").getInteger("query")).isEqualTo(configured + 1);
    assertThat(Commands.run("scale", List.of("query", String.valueOf(configured)), defaults, print(new ByteArrayOutputStream()), print(err))).isZero();

    ByteArrayOutputStream refused = new ByteArrayOutputStream();
    NodeDefaults wrongKey = new NodeDefaults(NODE.http().base(), Http.DEV_KEY, Http.DEV_SECRET, "wrong", RabbitSettings.from(NODE.node().config.getJsonObject("rabbitmq")));
    assertThat(Commands.run("scale", List.of("query", "3"), wrongKey, print(new ByteArrayOutputStream()), print(refused))).isEqualTo(1);
    assertThat(refused.toString(StandardCharsets.UTF_8)).contains("401");
    assertThat(Commands.run("scale", List.of("query"), defaults, print(new ByteArrayOutputStream()), print(new ByteArrayOutputStream()))).isEqualTo(2);
  }

  @Test
  @DisplayName("bad scalings are refused with a JSON error and change nothing")
  void badInput() {
    JsonObject before = admin("GET", "/admin/roles", null).json();
    assertThat(exchange("PUT", "/admin/roles/writer", "{\"instances\":2}", null).status()).isEqualTo(401);
    assertThat(exchange("PUT", "/admin/roles/writer", "{\"instances\":2}", "wrong").status()).isEqualTo(401);
    assertThat(admin("PUT", "/admin/roles/cook", "{\"instances\":2}").status()).isEqualTo(404);
    for (String body : List.of("{\"instances\":-1}", "{\"instances\":257}", "{\"instances\":2.5}", "{\"instances\":\"2\"}", "{}", "{\"instances\":2", "[2]", "{\"instances\":1e400}")) {
      Response refused = admin("PUT", "/admin/roles/writer", body);
      assertThat(refused.status()).as(body).isEqualTo(400);
      assertThat(refused.json().getInteger("code")).as(body).isEqualTo(400);
    }
    Response noApi = admin("PUT", "/admin/roles/api", "{\"instances\":0}");
    assertThat(noApi.status()).isEqualTo(400);
    assertThat(noApi.json().getString("message")).contains("between 1 and 256");
    Response noNode = admin("PUT", "/admin/roles/writer?node=elsewhere:1", "{\"instances\":2}");
    assertThat(noNode.status()).isEqualTo(404);
    assertThat(noNode.json().getString("message")).contains("elsewhere:1");
    assertThat(admin("GET", "/admin/roles", null).json()).isEqualTo(before);
  }

  /** Scales {@code role} on the node by name and returns the instances it answers. */
  private static int scale(String role, int instances) {
    String node = admin("GET", "/admin/roles", null).json().getJsonArray("nodes").getJsonObject(0).getString("node");
    Response scaled = admin("PUT", "/admin/roles/" + role + "?node=" + node, "{\"instances\":" + instances + "}");
    assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
    return scaled.json().getJsonArray("nodes").getJsonObject(0).getJsonObject("roles").getInteger(role);
  }

  private static double gauge(String role) {
    String metrics = NODE.http().unsigned().get("/metrics").body();
    Matcher line = Pattern.compile("(?m)^locus_role_instances\\{role=\"" + role + "\",?\\} ([0-9.]+)$").matcher(metrics);
    assertThat(line.find()).as("locus_role_instances of " + role).isTrue();
    return Double.parseDouble(line.group(1));
  }

  /** The records not yet readable at their accepted position. */
  private static List<String> behind(String layer, Map<String, String> accepted) {
    List<String> behind = new ArrayList<>();
    accepted.forEach(
        (id, position) -> {
          Response read = NODE.http().get("/0.1/records/" + layer + "/" + id + ".json");
          if (read.status() != 200 || !read.json().getJsonObject("geometry").getJsonArray("coordinates").encode().equals(position)) {
            behind.add(id);
          }
        });
    return behind;
  }

  private static Response admin(String method, String path, String body) {
    return exchange(method, path, body, ADMIN_KEY);
  }

  private static Response exchange(String method, String path, String body, String key) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(NODE.http().base() + path))
            .timeout(Duration.ofSeconds(150))
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
            .header("Content-Type", "application/json");
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return NODE.http().exchange(request.build());
  }

  private static PrintStream print(ByteArrayOutputStream to) {
    return new PrintStream(to, true, StandardCharsets.UTF_8);
  }

  /**
   * Two clients writing records (new ones, and moves of earlier ones) until stopped; a 503 is
   * retried as a client would, and a position tried is accepted only on its 202.
   */
  private static final class Writes {
    final Map<String, String> accepted = new ConcurrentHashMap<>();
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    final AtomicInteger acks = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService threads = Executors.newFixedThreadPool(2);
    private final String layer;

    Writes(String layer) {
      this.layer = layer;
    }

    void start() {
      for (int t = 0; t < 2; t++) {
        int thread = t;
        threads.submit(() -> write(thread));
      }
    }

    private void write(int thread) {
      for (int n = 0; running.get(); n++) {
        String id = "r" + thread + "-" + (n % 40); // the same 40 records move again and again
        String coordinates = String.format(Locale.ROOT, "[%d.5,%d.25]", n % 170, thread * 10 + n % 7);
        String body = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":" + coordinates + "}}";
        while (running.get()) {
          Response response = NODE.http().put("/0.1/records/" + layer + "/" + id + ".json", body);
          if (response.status() == 202) {
            accepted.put(id, new JsonArray(coordinates).encode());
            acks.incrementAndGet();
            break;
          }
          if (response.status() != 503) {
            unexpected.add(response.status() + " " + response.body());
            break;
          }
        }
      }
    }

    void awaitAccepted(int count) {
      Eventually.await(Duration.ofSeconds(60), acks::get, done -> done >= count);
    }

    void stop() throws InterruptedException {
      running.set(false);
      threads.shutdown();
      assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
  }
}
