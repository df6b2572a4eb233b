package io.locus.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.auth.AuthSettings;
import io.locus.support.Eventually;
import io.locus.support.Http;
import io.locus.support.OAuthClient;
import io.locus.support.Services;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.locus.ingest.QueueTopology;
import io.locus.ingest.RabbitSettings;
import io.locus.support.Broker;
import io.locus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.HashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three Locus processes clustered by Hazelcast, under a steady load of writes spread across
 * them, lose a node, RabbitMQ and Cassandra in turn. After each fault every write that got a
 * 202 must be readable with its newest position; clients may see only 5xx or connection
 * errors meanwhile. A summary table is printed at the end.
 */
@DisplayName("Chaos: a 3-node cluster under write load loses nothing it acknowledged")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosIT {
  private static final int NODES = 3;
  private static final int HTTP_BASE = 18180;
  private static final String LAYER = "chaos.points";
  private static final String PUBLIC_URL = "http://locus.test";
  private static final OAuthClient SIGNER = new OAuthClient(Http.DEV_KEY, Http.DEV_SECRET);
  private static final Map<String, String> ENV =
      Map.of(
          "HTTP_BASE", String.valueOf(HTTP_BASE),
          "HAZELCAST_BASE", "15701",
          "JAVA_OPTS", "-Xmx384m",
          "LOCUS_CASSANDRA_KEYSPACE", "locus_chaos",
          "LOCUS_RABBITMQ_NAME_PREFIX", "locus.chaos",
          "LOCUS_RABBITMQ_SHARDS", "4",
          "LOCUS_RABBITMQ_RECONNECT_INTERVAL_MS", "500",
          "LOCUS_INSTANCES_API", "1",
          "LOCUS_INSTANCES_QUERY", "1",
          // Behind a load balancer every node sees the same public URL, and clients sign that.
          "LOCUS_HTTP_PUBLIC_BASE_URL", PUBLIC_URL);
  /** How long after the load stops every acknowledged write must be readable at its newest position. */
  private static final Duration CAUGHT_UP_WITHIN = Duration.ofSeconds(300);
  private static final List<String> SUMMARY = new ArrayList<>();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  @BeforeAll
  static void startCluster() {
    cluster("up", String.valueOf(NODES));
    Eventually.await(Duration.ofSeconds(30), () -> put(0, "/0.1/layers/" + LAYER + ".json", "{}"), s -> s == 200);
  }

  @AfterAll
  static void stopCluster() {
    cluster("down");
    System.out.println();
    System.out.println("| fault | acknowledged | lost | stale | client errors | unexpected answers | error window | all readable after |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    SUMMARY.forEach(System.out::println);
    System.out.println();
  }

  @Test
  @Order(0)
  @DisplayName("an api-only node serves writes and reads whose verticles run on the other nodes")
  void apiOnlyNode() {
    cluster(Map.of("LOCUS_ROLES", "api"), "start", "3", String.valueOf(NODES + 1));
    try {
      String path = "/0.1/records/" + LAYER + "/via-api-only.json";
      assertThat(put(3, path, "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[5,6]}}"))
          .isEqualTo(202);
      String coordinates =
          Eventually.await(Duration.ofSeconds(30), () -> get(3, path), body -> body != null)
              .getJsonObject("geometry").getJsonArray("coordinates").encode();
      assertThat(coordinates).isEqualTo("[5,6]");
      assertThat(get(3, "/health")).isNotNull();
    } finally {
      cluster("kill", "3");
    }
  }

  @Test
  @Order(0)
  @DisplayName("a nonce used on one node is refused by every other node")
  void replayAcrossNodes() throws IOException {
    String path = "/0.1/layers/" + LAYER + ".json";
    String authorization = SIGNER.authorization("GET", PUBLIC_URL + path);
    HttpResponse<String> first = exchange(HttpRequest.newBuilder(uri(0, path)).header("Authorization", authorization));
    HttpResponse<String> replayed = exchange(HttpRequest.newBuilder(uri(1, path)).header("Authorization", authorization));
    HttpResponse<String> fresh = send(1, HttpRequest.newBuilder(uri(1, path)).GET());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(replayed.statusCode()).isEqualTo(401);
    assertThat(replayed.body()).contains("nonce");
    assertThat(fresh.statusCode()).isEqualTo(200);
  }

  /** The JSON body of a 200 answer from {@code node}, or null. */
  private static JsonObject get(int node, String path) {
    try {
      HttpResponse<String> response = send(node, HttpRequest.newBuilder(uri(node, path)).GET());
      return response.statusCode() == 200 ? new JsonObject(response.body()) : null;
    } catch (IOException e) {
      return null;
    }
  }

  @Test
  @Order(1)
  @DisplayName("scale writers 1 → 4 → 1 and query 1 → 3 → 1 on every node mid-load, through the admin surface of one node")
  void scaleRoles() {
    run(
        "writers 1→4→1, query 1→3→1",
        () -> {
          scale("writer", 4);
          scale("query", 3);
        },
        () -> {
          scale("writer", 1);
          scale("query", 1);
        });
  }

  /** Scales {@code role} on every node through node 0's admin surface; checks that each node answers it runs {@code instances}. */
  private static void scale(String role, int instances) {
    try {
      HttpResponse<String> scaled =
          exchange(
              HttpRequest.newBuilder(uri(0, "/admin/roles/" + role))
                  .header("Authorization", "Bearer " + AuthSettings.DEVELOPMENT_ADMIN_KEY)
                  .PUT(HttpRequest.BodyPublishers.ofString("{\"instances\":" + instances + "}")),
              Duration.ofSeconds(150));
      assertThat(scaled.statusCode()).as(scaled.body()).isEqualTo(200);
      JsonArray nodes = new JsonObject(scaled.body()).getJsonArray("nodes");
      assertThat(nodes).as(scaled.body()).hasSize(NODES);
      for (int i = 0; i < nodes.size(); i++) {
        assertThat(nodes.getJsonObject(i).getJsonObject("roles").getInteger(role)).as(scaled.body()).isEqualTo(instances);
      }
    } catch (IOException e) {
      throw new AssertionError("no answer to scaling " + role, e);
    }
  }

  @Test
  @Order(1)
  @DisplayName("kill -9 one node mid-load, then start it again")
  void killNode() {
    run("kill -9 node 2", () -> cluster("kill", "2"), () -> cluster("start", "2", String.valueOf(NODES)));
  }

  @Test
  @Order(2)
  @DisplayName("stop RabbitMQ mid-load, then start it again")
  void stopBroker() {
    run("RabbitMQ stop/start", () -> Services.run("rabbitmq-down"), () -> Services.run("rabbitmq-up"));
  }

  @Test
  @Order(3)
  @DisplayName("stop Cassandra mid-load, then start it again")
  void stopCassandra() {
    run("Cassandra stop/start", () -> Services.run("cassandra-down"), () -> Services.run("cassandra-up"));
  }

  @Test
  @Order(4)
  @DisplayName("kill -9 a node while it loads the layer into memory, then start it again: once warm, its memory holds every acknowledged write at its newest position")
  void killWhileWarming() {
    int node = 2;
    // A fresh start, so that the next read loads the layer, and a slow load (one partition a
    // read, one read at a time), so that it is still loading when it is killed however fast
    // this machine reads the few thousand partitions the earlier tests wrote.
    cluster("kill", String.valueOf(node));
    cluster(
        Map.of("LOCUS_SERVING_LOAD_PARTITIONS_PER_READ", "1", "LOCUS_SERVING_LOAD_READS_IN_FLIGHT", "1"),
        "start", String.valueOf(node), String.valueOf(NODES));
    assertThat(servingState(node)).as("node 2's memory after its start").isEmpty();
    run(
        "kill -9 node 2 while warming",
        () -> {
          String state = awaitServingState(node, Duration.ofSeconds(60), s -> !s.isEmpty(), Duration.ofMillis(10));
          assertThat(state).as("the layer's state in node 2's memory when it is killed").isEqualTo("warming");
          cluster("kill", String.valueOf(node));
        },
        () -> {
          cluster("start", String.valueOf(node), String.valueOf(NODES));
          askForLayer(node); // it loads while the writes go on: their changes must reach its memory too
        },
        // Read from memory only: the check below reads node 2 once its layer is warm. Loading
        // competes with the write load for this machine's two cores, so it is awaited once the
        // load has stopped; the writes made while it loaded arrive through the change feed.
        () -> awaitServingState(node, CAUGHT_UP_WITHIN, "warm"::equals, Duration.ofSeconds(1)),
        node);
  }

  /**
   * Polls the layer's state in {@code node}'s memory until {@code done} accepts it, reading the
   * layer whenever the node holds none of it, as a client's queries would: a read is what starts
   * a load, and a load that failed (Cassandra slow to answer) leaves the layer for the next read
   * to ask again. Fails with what the node logged of loading layers when the state never comes.
   */
  private static String awaitServingState(int node, Duration within, Predicate<String> done, Duration every) {
    try {
      return Eventually.await(
          within,
          () -> {
            String state = servingState(node);
            if (state.isEmpty()) {
              askForLayer(node);
            }
            return state;
          },
          done,
          every);
    } catch (AssertionError notThere) {
      throw new AssertionError(notThere.getMessage() + logged(node, "memory|reload|stale"), notThere);
    }
  }

  /** Reads the layer from {@code node}, so that it starts loading it into memory. */
  private static void askForLayer(int node) {
    get(node, "/0.1/records/" + LAYER + "/nearby/0,0.json?limit=1");
  }

  /** The lines of {@code node}'s log that match {@code pattern} (the last 20), one per line. */
  private static String logged(int node, String pattern) {
    Pattern matching = Pattern.compile(pattern);
    try {
      List<String> lines = Files.readAllLines(Path.of(".run", "cluster", "node-" + node + ".log"), StandardCharsets.UTF_8).stream()
          .filter(line -> matching.matcher(line).find())
          .toList();
      return System.lineSeparator() + "node-" + node + ".log: " + String.join(System.lineSeparator() + "  ", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return System.lineSeparator() + "(node-" + node + ".log unreadable: " + e + ")";
    }
  }

  /** The state of the layer in {@code node}'s serving tier (warming, warm…), or "" when it holds none or does not answer. */
  private static String servingState(int node) {
    try {
      return new Http("http://127.0.0.1:" + (HTTP_BASE + node)).served(LAYER).getString("state", "");
    } catch (RuntimeException noAnswer) {
      return "";
    }
  }

  /**
   * Puts the cluster under write load, breaks and mends it, then checks that every acknowledged
   * write reads back at its newest position from any node.
   */
  private static void run(String fault, Runnable breakIt, Runnable mendIt) {
    run(fault, breakIt, mendIt, () -> {}, IntStream.range(0, NODES).toArray());
  }

  /**
   * As {@link #run(String, Runnable, Runnable)}, running {@code afterLoad} once the load has
   * stopped and reading from the first of {@code readFrom} that answers.
   */
  private static void run(String fault, Runnable breakIt, Runnable mendIt, Runnable afterLoad, int... readFrom) {
    WriteLoad load = new WriteLoad(fault.replaceAll("[^a-z0-9]", ""));
    load.start();
    load.awaitAcks(100);
    breakIt.run();
    mendIt.run();
    load.awaitAcks(load.acked.size() + 200);
    load.stop();
    afterLoad.run();

    Map<String, String> acked = load.acked;
    List<String> ids = new ArrayList<>(acked.keySet());
    Map<String, String> seen = new ConcurrentHashMap<>();
    long stopped = System.nanoTime();
    try {
      // After a Cassandra restart the driver may take a minute or more to get its connections
      // back on this small machine, and the writers then drain the backlog the outage left.
      Eventually.await(
          CAUGHT_UP_WITHIN, () -> readAll(readFrom, ids, seen, acked, load.unconfirmed), behind -> behind == 0, Duration.ofMillis(500));
    } catch (AssertionError stillBehind) {
      // counted and reported below as lost or stale
    }
    double caughtUpSeconds = (System.nanoTime() - stopped) / 1e9;
    int lost = (int) ids.stream().filter(id -> !seen.containsKey(id)).count();
    int stale = (int) ids.stream().filter(id -> seen.containsKey(id) && behind(id, seen, acked, load.unconfirmed)).count();
    String row = String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.1f s | %.1f s |",
        fault, ids.size(), lost, stale, load.errors.get(), load.unexpected.size(), load.errorWindowSeconds(), caughtUpSeconds);
    SUMMARY.add(row);
    keep(fault, row);
    if (lost + stale > 0) {
      explain(ids.stream().filter(id -> behind(id, seen, acked, load.unconfirmed)).toList(), acked, load.unconfirmed);
    }
    assertThat(lost).as(fault + ": acknowledged writes lost").isZero();
    assertThat(stale).as(fault + ": records not at their newest position").isZero();
    assertThat(load.unexpected).as(fault + ": answers other than 202, 5xx or connection errors").isEmpty();
  }

  /**
   * Keeps what a fault's run leaves behind: its summary row appended to {@code
   * target/chaos/summary.md} ({@code make chaos-soak} collects them) and each node's log, as it
   * stands, under {@code target/chaos/<fault>/}.
   */
  private static void keep(String fault, String row) {
    try {
      Path dir = Path.of("target", "chaos", fault.replaceAll("[^A-Za-z0-9]+", "-"));
      Files.createDirectories(dir);
      Files.writeString(Path.of("target", "chaos", "summary.md"), row + System.lineSeparator(), StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      try (var logs = Files.list(Path.of(".run", "cluster"))) {
        for (Path log : logs.filter(path -> path.toString().endsWith(".log")).toList()) {
          Files.copy(log, dir.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      System.out.println("[chaos] could not keep the run's logs: " + e);
    }
  }

  /**
   * Prints, for records not at their acknowledged position, where each one is: what each node
   * answers for it (its record, from memory or Cassandra, and its history, from Cassandra), how
   * many messages its shard queue holds, and its dead letter if there is one (with why).
   */
  private static void explain(List<String> wrong, Map<String, String> acked, Map<String, Set<String>> unconfirmed) {
    for (int node = 0; node < NODES; node++) {
      JsonObject ready = get(node, "/health/ready");
      System.out.println("[chaos] node " + node + " ready: " + (ready == null ? "no answer" : ready.encode()));
    }
    Map<String, String> deadLetters = deadLettersById();
    System.out.println("[chaos] " + deadLetters.size() + " dead letters; queues: "
        + Broker.rabbitmqctl("list_queues", "name", "messages", "messages_unacknowledged", "--quiet").lines()
            .filter(line -> line.startsWith(ENV.get("LOCUS_RABBITMQ_NAME_PREFIX") + ".")).toList());
    QueueTopology topology = new QueueTopology(RabbitSettings.from(TestNode.config(ENV).getJsonObject("rabbitmq")));
    for (String id : wrong) {
      System.out.println("[chaos] " + id + " shard queue " + topology.shardQueue(topology.shardOf(LAYER, id))
          + "; dead letter: " + deadLetters.getOrDefault(id, "none"));
    }
    for (String id : wrong.stream().limit(20).toList()) {
      StringBuilder line = new StringBuilder("[chaos] " + id + " acked " + acked.get(id) + " unconfirmed " + unconfirmed.get(id));
      for (int node = 0; node < NODES; node++) {
        JsonObject record = get(node, "/0.1/records/" + LAYER + "/" + id + ".json");
        JsonObject history = get(node, "/0.1/records/" + LAYER + "/" + id + "/history.json");
        line.append(" | node ").append(node).append(": ")
            .append(record == null ? "none" : record.getJsonObject("geometry").getJsonArray("coordinates").encode())
            .append(" history ").append(history == null ? "none" : history.getJsonArray("geometries").encode());
      }
      System.out.println(line);
    }
  }

  /**
   * The dead letters of the chaos cluster's queue by record id, each with its headers (the
   * writer's reason, or the broker's x-death); read without acknowledging, so all stay.
   */
  private static Map<String, String> deadLettersById() {
    Map<String, String> byId = new HashMap<>();
    QueueTopology topology = new QueueTopology(RabbitSettings.from(TestNode.config(ENV).getJsonObject("rabbitmq")));
    Vertx vertx = Vertx.vertx();
    try {
      RabbitMQClient client = RabbitMQClient.create(vertx, RabbitSettings.from(TestNode.config(ENV).getJsonObject("rabbitmq")).clientOptions());
      client.start().await();
      try {
        RabbitMQMessage message;
        while ((message = client.basicGet(topology.deadLetterQueue(), false).await()) != null) {
          String id;
          try {
            id = new JsonObject(message.body()).getString("id");
          } catch (RuntimeException notJson) {
            id = "(not JSON)";
          }
          byId.put(id, String.valueOf(message.properties().getHeaders()));
        }
      } finally {
        client.stop().await(); // the unacknowledged dead letters go back to their queue
      }
    } catch (RuntimeException e) {
      byId.put("(unreadable)", e.toString());
    } finally {
      vertx.close().await();
    }
    return byId;
  }

  /**
   * Reads every id (99 and a dummy per request, from the first of {@code nodes} that answers);
   * returns how many are not yet at their acknowledged position. The writers may still be
   * draining a backlog: callers poll.
   */
  private static int readAll(
      int[] nodes, List<String> ids, Map<String, String> seen, Map<String, String> acked, Map<String, Set<String>> unconfirmed) {
    for (int from = 0; from < ids.size(); from += 99) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + 99));
      for (int node : nodes) {
        try {
          HttpResponse<String> response = send(node, HttpRequest.newBuilder(uri(node,
              "/0.1/records/" + LAYER + "/" + String.join(",", chunk) + ",zz.json")).GET());
          if (response.statusCode() == 200) {
            new JsonObject(response.body()).getJsonArray("features").forEach(f -> {
              JsonObject feature = (JsonObject) f;
              seen.put(feature.getString("id"), feature.getJsonObject("geometry").getJsonArray("coordinates").encode());
            });
            break;
          }
        } catch (IOException e) {
          // try the next node
        }
      }
    }
    return (int) ids.stream().filter(id -> behind(id, seen, acked, unconfirmed)).count();
  }

  /**
   * Whether record {@code id} is not seen yet, or seen at a position older than its acknowledged
   * one (a position tried after it, answered 503, is newer data and counts as caught up).
   */
  private static boolean behind(
      String id, Map<String, String> seen, Map<String, String> acked, Map<String, Set<String>> unconfirmed) {
    String position = seen.get(id);
    return position == null
        || !position.equals(acked.get(id)) && !unconfirmed.getOrDefault(id, Set.of()).contains(position);
  }

  /**
   * Writers that PUT unique records across the nodes and retry, as a real client would. A write
   * answered 503 may still have reached the broker and be applied later: such positions, tried
   * after a record's last acknowledged one, are newer data, not stale data.
   */
  private static final class WriteLoad {
    final Map<String, String> acked = new ConcurrentHashMap<>();
    final Map<String, Set<String>> unconfirmed = new ConcurrentHashMap<>();
    final AtomicInteger errors = new AtomicInteger();
    final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> errorTimes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private static final int THREADS = 6;
    private static final int WRITES_PER_SECOND_PER_THREAD = 10;
    private final ExecutorService threads = Executors.newFixedThreadPool(THREADS);
    private final String prefix;

    WriteLoad(String prefix) {
      this.prefix = prefix;
    }

    void start() {
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        threads.submit(() -> write(thread));
      }
    }

    /**
     * Writes at most {@link #WRITES_PER_SECOND_PER_THREAD} a second: a steady load, the same on a
     * fast machine and a slow one, that leaves the nodes room to recover while it goes on (an
     * unpaced load saturated the two cores and turned each recovery into minutes of backlog).
     */
    private void write(int thread) {
      long interval = TimeUnit.SECONDS.toNanos(1) / WRITES_PER_SECOND_PER_THREAD;
      long next = System.nanoTime();
      for (int n = 0; running.get(); n++) {
        String id = prefix + "-" + thread + "-" + n;
        next = paced(next, interval);
        writeUntilAcked(id, thread + n);
        if (n % 5 == 0 && running.get()) {
          next = paced(next, interval);
          writeUntilAcked(id, thread + n + 1); // an update: its second position must win
        }
      }
    }

    /** Waits until {@code next} (a pace, not a condition); returns when the write after this one is due. */
    private static long paced(long next, long interval) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          TimeUnit.NANOSECONDS.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return Math.max(next, System.nanoTime() - interval) + interval;
    }

    /** PUTs one position, moving to the next node on failure, for at most 60 tries. */
    private void writeUntilAcked(String id, int node) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String coordinates =
          String.format(Locale.ROOT, "[%.5f,%.5f]", random.nextDouble(-179, 179), random.nextDouble(-80, 80));
      String body = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":" + coordinates + "}}";
      String position = new JsonArray(coordinates).encode();
      unconfirmed.computeIfAbsent(id, any -> ConcurrentHashMap.newKeySet()).add(position);
      for (int attempt = 0; attempt < 60 && running.get(); attempt++) {
        int target = (node + attempt) % NODES;
        try {
          HttpResponse<String> response =
              send(target, HttpRequest.newBuilder(uri(target, "/0.1/records/" + LAYER + "/" + id + ".json"))
                  .PUT(HttpRequest.BodyPublishers.ofString(body)));
          if (response.statusCode() == 202) {
            acked.put(id, position);
            unconfirmed.remove(id);
            return;
          }
          if (response.statusCode() < 500) {
            unexpected.add(response.statusCode() + " " + response.body());
            return;
          }
        } catch (IOException connectionError) {
          // counted below, like a 5xx
        }
        errors.incrementAndGet();
        errorTimes.add(System.nanoTime());
        pause();
      }
    }

    void awaitAcks(int count) {
      Eventually.await(Duration.ofSeconds(120), acked::size, size -> size >= count);
    }

    void stop() {
      running.set(false);
      threads.shutdown();
      try {
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    double errorWindowSeconds() {
      if (errorTimes.isEmpty()) {
        return 0;
      }
      long first = errorTimes.stream().mapToLong(Long::longValue).min().orElse(0);
      long last = errorTimes.stream().mapToLong(Long::longValue).max().orElse(0);
      return (last - first) / 1e9;
    }

    private static void pause() {
      try {
        Thread.sleep(100); // a client's back-off between retries
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static int put(int node, String path, String body) {
    try {
      return send(node, HttpRequest.newBuilder(uri(node, path)).PUT(HttpRequest.BodyPublishers.ofString(body))).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  private static URI uri(int node, String path) {
    return URI.create("http://127.0.0.1:" + (HTTP_BASE + node) + path);
  }

  /** Sends a request signed for the cluster's public URL. */
  private static HttpResponse<String> send(int node, HttpRequest.Builder request) throws IOException {
    HttpRequest built = request.copy().build();
    String signedUrl = PUBLIC_URL + built.uri().getRawPath() + (built.uri().getRawQuery() == null ? "" : "?" + built.uri().getRawQuery());
    return exchange(request.header("Authorization", SIGNER.authorization(built.method(), signedUrl)));
  }

  private static HttpResponse<String> exchange(HttpRequest.Builder request) throws IOException {
    return exchange(request, Duration.ofSeconds(10));
  }

  private static HttpResponse<String> exchange(HttpRequest.Builder request, Duration timeout) throws IOException {
    try {
      return CLIENT.send(
          request.timeout(timeout).header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /**
   * What the nodes' logs say of a failed start: each node's one-line reason for stopping
   * ("locus: …"), else its last lines, so that the test report shows why without the logs.
   */
  private static String nodeFailures() {
    StringBuilder failures = new StringBuilder();
    try (var logs = Files.list(Path.of(".run", "cluster"))) {
      for (Path log : logs.filter(path -> path.toString().endsWith(".log")).sorted().toList()) {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        List<String> reasons = lines.stream().filter(line -> line.startsWith("locus: ")).toList();
        List<String> shown = reasons.isEmpty() ? lines.subList(Math.max(0, lines.size() - 3), lines.size()) : reasons;
        failures.append(System.lineSeparator()).append(log.getFileName()).append(": ").append(String.join(System.lineSeparator() + "  ", shown));
      }
    } catch (IOException e) {
      failures.append(System.lineSeparator()).append("(node logs unreadable: ").append(e).append(')');
    }
    return failures.toString();
  }

  private static void cluster(String... args) {
    cluster(Map.of(), args);
  }

  private static void cluster(Map<String, String> extraEnv, String... args) {
    List<String> command = new ArrayList<>(List.of("scripts/cluster.sh"));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      builder.environment().putAll(ENV);
      builder.environment().putAll(extraEnv);
      Process process = builder.start();
      assertThat(process.waitFor(240, TimeUnit.SECONDS)).as("cluster.sh " + String.join(" ", args)).isTrue();
      if (process.exitValue() != 0) {
        throw new AssertionError("cluster.sh " + String.join(" ", args) + " exited " + process.exitValue() + nodeFailures());
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
