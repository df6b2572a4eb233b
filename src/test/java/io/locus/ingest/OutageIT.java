package io.locus.ingest;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.RunningNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.EventStream;
import io.locus.support.Eventually;
import io.locus.support.Http.Response;
import io.locus.support.Services;
import io.vertx.core.json.JsonObject;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Stops the RabbitMQ and the Cassandra that {@code make test} started, under a running node, and
 * starts them again: accepted writes are never lost and the node recovers without a restart.
 */
@DisplayName("Outages of RabbitMQ and Cassandra")
class OutageIT {
  @RegisterExtension static final RunningNode NODE = new RunningNode();

  /** A layer whose only use is to see the node take writes again. */
  private static String probeLayer;

  @BeforeAll
  static void probeLayer() {
    probeLayer = NODE.http().newLayer("it.out.probe.");
  }

  /**
   * Each test starts from a node that has recovered from the outage before it: ready, and
   * taking writes (a test ends as soon as its own checks pass, while the node may still be
   * reconnecting its publisher to the broker the test restarted).
   */
  @BeforeEach
  void recovered() {
    Eventually.await(Duration.ofSeconds(90), () -> NODE.http().unsigned().get("/health/ready").status(), status -> status == 200,
        Duration.ofMillis(250));
    Eventually.await(Duration.ofSeconds(60), () -> NODE.http().put("/0.1/records/" + probeLayer + "/probe", feature(0, 0)).status(),
        status -> status == 202, Duration.ofMillis(250));
  }

  private static String feature(int lon, int lat) {
    return "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + lon + "," + lat + "]}}";
  }

  @Test
  @DisplayName("with the broker down a write gets 503 in under 2 s; once it is back writes succeed again")
  void brokerOutage() {
    String layer = NODE.http().newLayer("it.out.");
    assertThat(NODE.http().put("/0.1/records/" + layer + "/before", feature(1, 1)).status()).isEqualTo(202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/before", 200);

    Services.run("rabbitmq-down");
    try {
      long started = System.nanoTime();
      Response refused = NODE.http().put("/0.1/records/" + layer + "/during", feature(2, 2));
      long elapsedMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.json().getInteger("code")).isEqualTo(503);
      assertThat(elapsedMs).as("time to answer 503").isLessThan(2_000);
      Response health = NODE.http().get("/health");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().getString("rabbitmq")).isEqualTo("down");
    } finally {
      Services.run("rabbitmq-up");
    }

    Eventually.await(Duration.ofSeconds(60),
        () -> NODE.http().put("/0.1/records/" + layer + "/after", feature(3, 3)).status(), s -> s == 202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/after", 200);
    assertThat(NODE.http().get("/0.1/records/" + layer + "/before").status()).isEqualTo(200);
    Eventually.await(Duration.ofSeconds(30), () -> NODE.http().get("/health").status(), s -> s == 200);
  }

  @Test
  @DisplayName("a streamed NDJSON write the broker leaves midway answers 503 with the line to resume from; every line before it was taken")
  void ndjsonAcrossBrokerOutage() throws Exception {
    String layer = NODE.http().newLayer("it.out.ndjson.");
    PipedOutputStream client = new PipedOutputStream();
    PipedInputStream body = new PipedInputStream(client, 1 << 20);
    CompletableFuture<Response> answer =
        CompletableFuture.supplyAsync(() -> NODE.http().postChunked("/0.1/records/" + layer + ".ndjson", () -> body));
    for (int line = 1; line <= 150; line++) {
      client.write(ndjsonLine(line));
    }
    client.flush();
    // The first 100 lines were published as one batch once read: readable means confirmed.
    Eventually.await(Duration.ofSeconds(60), () -> NODE.http().get("/0.1/records/" + layer + "/n100").status(), s -> s == 200);
    Services.run("rabbitmq-down");
    try {
      for (int line = 151; line <= 260; line++) {
        client.write(ndjsonLine(line));
      }
      client.close();
      Response refused = answer.get(60, TimeUnit.SECONDS);
      assertThat(refused.status()).as(refused.body()).isEqualTo(503);
      assertThat(refused.json().getInteger("code")).isEqualTo(503);
      assertThat(refused.header("X-Locus-Resume-Line")).isEqualTo("101");
    } finally {
      Services.run("rabbitmq-up");
    }
    for (int line = 1; line <= 100; line += 33) {
      assertThat(NODE.http().get("/0.1/records/" + layer + "/n" + line).status()).as("line " + line).isEqualTo(200);
    }
  }

  private static byte[] ndjsonLine(int line) {
    return ("{\"type\":\"Feature\",\"id\":\"n" + line + "\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,1]}}\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("a change stream open when the broker goes away ends with a close event; resumed once it is back, it gets the changes since its last event")
  void changeStreamAcrossBrokerOutage() {
    String layer = NODE.http().newLayer("it.out.changes.");
    String changes = "/0.1/layers/" + layer + "/changes";
    String last;
    try (EventStream stream = EventStream.open(NODE.http(), changes, Map.of()).opened()) {
      assertThat(NODE.http().put("/0.1/records/" + layer + "/before", feature(1, 1)).status()).isEqualTo(202);
      EventStream.Event seen = stream.next(1).get(0);
      assertThat(seen.data().getString("id")).isEqualTo("before");
      last = seen.id();
      Services.run("rabbitmq-down");
      try {
        EventStream.Event closed = stream.next(Duration.ofSeconds(30));
        assertThat(closed).as("a close event").isNotNull();
        assertThat(closed.kind()).isEqualTo("close");
        assertThat(closed.data().getString("message")).contains("resume from the last event");
        assertThat(stream.next(Duration.ofSeconds(5))).as("the stream ended").isNull();
      } finally {
        Services.run("rabbitmq-up");
      }
    }
    Eventually.await(Duration.ofSeconds(60),
        () -> NODE.http().put("/0.1/records/" + layer + "/after", feature(2, 2)).status(), s -> s == 202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/after", 200);
    // The node's change stream reconnects on its own schedule: until it has, a resumed stream closes at once.
    EventStream.Event missed =
        Eventually.await(
            Duration.ofSeconds(60),
            () -> {
              try (EventStream resumed = EventStream.open(NODE.http(), changes, Map.of("Last-Event-ID", last))) {
                return resumed.status() == 200 ? resumed.opened().next(Duration.ofSeconds(10)) : null;
              }
            },
            event -> event != null && !"close".equals(event.kind()));
    assertThat(missed.data().getString("id")).isEqualTo("after");
    assertThat(Long.parseLong(missed.id())).isGreaterThan(Long.parseLong(last));
  }

  @Test
  @DisplayName("with the broker down for 20 s reads keep answering and the serving tier says it is stale; once back it reloads and follows the feed")
  void brokerOutageUnderServing() {
    String layer = NODE.http().newLayer("it.out.serving.");
    String record = "/0.1/records/" + layer + "/a";
    String near = "/0.1/records/" + layer + "/nearby/1,1.json?radius=10";
    warmWithOneRecord(layer, record);

    Services.run("rabbitmq-down");
    long stopped = System.nanoTime();
    try {
      Eventually.await(Duration.ofSeconds(30), () -> NODE.http().serving().getBoolean("stale"), Boolean.TRUE::equals);
      int reads = 0;
      while (System.nanoTime() - stopped < Duration.ofSeconds(20).toNanos()) {
        Response got = NODE.http().get(record);
        assertThat(got.status()).as("read %d during the outage: %s", reads, got.body()).isEqualTo(200);
        assertThat(got.json().getJsonObject("geometry").getJsonArray("coordinates").getInteger(0)).isEqualTo(1);
        assertThat(NODE.http().get(near).json().getJsonArray("features")).as("nearby during the outage").hasSize(1);
        reads++;
        pace();
      }
      assertThat(reads).isPositive();
    } finally {
      Services.run("rabbitmq-up");
    }

    freshAndFollowing(layer, record, Duration.ofSeconds(60));
  }

  @Test
  @DisplayName("when the broker comes back while Cassandra is down, the serving tier stays stale and retries its reload; once Cassandra is back it is fresh and follows the feed")
  void brokerBackBeforeCassandra() {
    String layer = NODE.http().newLayer("it.out.reload.");
    String record = "/0.1/records/" + layer + "/a";
    warmWithOneRecord(layer, record);

    Services.run("rabbitmq-down");
    boolean cassandraDown = false;
    try {
      Eventually.await(Duration.ofSeconds(30), () -> NODE.http().serving().getBoolean("stale"), Boolean.TRUE::equals);
      int reloadsBefore = NODE.http().serving().getInteger("reloads");
      Services.run("cassandra-down");
      cassandraDown = true;
      Services.run("rabbitmq-up");
      // The feed is back: the reload it starts fails, and so do its retries, 2 s apart.
      Eventually.await(Duration.ofSeconds(90), () -> NODE.http().serving().getInteger("reloads"), n -> n >= reloadsBefore + 3);
      assertThat(NODE.http().serving().getBoolean("stale")).as("stale while its reloads fail").isTrue();
    } finally {
      Services.run("rabbitmq-up"); // answers at once when it is up already
      if (cassandraDown) {
        Services.run("cassandra-up");
      }
    }

    // After a Cassandra restart the driver may take a minute or more to get its connections back.
    freshAndFollowing(layer, record, Duration.ofSeconds(180));
  }

  /** Writes {@code record} (at 1,1) into {@code layer} and asks nearby until the layer is warm in memory, holding it. */
  private static void warmWithOneRecord(String layer, String record) {
    assertThat(NODE.http().put(record, feature(1, 1)).status()).isEqualTo(202);
    NODE.http().awaitStatus(record, 200);
    Eventually.await(
        Duration.ofSeconds(30),
        () -> {
          NODE.http().get("/0.1/records/" + layer + "/nearby/1,1.json?radius=10");
          return NODE.http().served(layer);
        },
        held -> "warm".equals(held.getString("state")) && held.getInteger("records", -1) == 1);
  }

  /**
   * Waits (up to {@code within}) for the serving tier to be fresh again, then moves {@code record}
   * to 5,5 and checks that the move reaches the warm layer's memory through the feed.
   */
  private static void freshAndFollowing(String layer, String record, Duration within) {
    Eventually.await(within, () -> NODE.http().serving().getBoolean("stale"), Boolean.FALSE::equals);
    Eventually.await(Duration.ofSeconds(60), () -> NODE.http().put(record, feature(5, 5)).status(), s -> s == 202);
    Eventually.await(
        Duration.ofSeconds(30),
        () -> NODE.http().get("/0.1/records/" + layer + "/nearby/5,5.json?radius=10").json().getJsonArray("features").size(),
        n -> n == 1);
    assertThat(NODE.http().served(layer).getString("state")).isEqualTo("warm");
    assertThat(NODE.http().serving().getBoolean("stale")).isFalse();
  }

  /** Paces the reads of an outage: a few a second are enough to see one fail. */
  private static void pace() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName("with Cassandra down writes are still accepted; once it is back the backlog drains intact")
  void cassandraOutage() {
    String layer = NODE.http().newLayer("it.out.");
    assertThat(NODE.http().put("/0.1/records/" + layer + "/r0", feature(0, 0)).status()).isEqualTo(202);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/r0", 200);

    int accepted = 30;
    Services.run("cassandra-down");
    try {
      for (int i = 1; i <= accepted; i++) {
        Response put = NODE.http().put("/0.1/records/" + layer + "/r" + i, feature(i, i));
        assertThat(put.status()).as("write %d during the outage: %s", i, put.body()).isEqualTo(202);
      }
      Response moved = NODE.http().put("/0.1/records/" + layer + "/r0", feature(100, 50));
      assertThat(moved.status()).isEqualTo(202);
      Response health = NODE.http().get("/health");
      assertThat(health.status()).isEqualTo(503);
      assertThat(health.json().getString("cassandra")).isEqualTo("down");
    } finally {
      Services.run("cassandra-up");
    }

    for (int i = 1; i <= accepted; i++) {
      String path = "/0.1/records/" + layer + "/r" + i;
      JsonObject record =
          Eventually.await(Duration.ofSeconds(90), () -> NODE.http().get(path), r -> r.status() == 200).json();
      assertThat(record.getJsonObject("geometry").getJsonArray("coordinates").getInteger(0)).isEqualTo(i);
    }
    // Each held write retries on its own backoff (up to 5 s), so the move may land after the others.
    JsonObject moved =
        Eventually.await(
                Duration.ofSeconds(90),
                () -> NODE.http().get("/0.1/records/" + layer + "/r0"),
                r -> r.status() == 200 && r.json().getJsonObject("geometry").getJsonArray("coordinates").getInteger(0) == 100)
            .json();
    assertThat(moved.getJsonObject("geometry").getJsonArray("coordinates").getInteger(1)).isEqualTo(50);
  }
}
