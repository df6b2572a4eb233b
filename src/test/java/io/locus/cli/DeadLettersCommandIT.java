package io.locus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import io.locus.ingest.QueueTopology;
import io.locus.ingest.RabbitSettings;
import io.locus.ops.RequestIds;
import io.locus.support.Eventually;
import io.locus.support.TestNode;
import io.locus.support.TestVertx;
import io.vertx.rabbitmq.RabbitMQClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code locus dead-letters} against the real RabbitMQ: dead letters crafted as a writer and as
 * the broker leave them, in the dead-letter queue of a topology of its own (declared by {@link
 * QueueTopology#declare}, as a node does), with no writer consuming its shard queues, so what a
 * re-drive sends can be counted there.
 */
@DisplayName("locus dead-letters: lists the dead-letter queue without taking from it, re-drives exactly what it is asked to")
class DeadLettersCommandIT {
  @RegisterExtension static final TestVertx VERTX = new TestVertx();

  private static final String LAYER = "it.dead.parks";
  private static final String OTHER_LAYER = "it.dead.roads";
  private static final String MISSING = "layer " + LAYER + " does not exist";
  private static final String NOT_JSON = "message is not a JSON object";

  private static RabbitSettings settings;
  private static QueueTopology topology;
  private static Connection connection;
  private static Channel channel;

  /** What one run of the command printed, and its exit code. */
  private record Outcome(int exit, String out, String err) {}

  @BeforeAll
  static void declare() throws IOException, TimeoutException {
    settings =
        RabbitSettings.from(
            TestNode.config(Map.of("LOCUS_RABBITMQ_NAME_PREFIX", TestNode.PREFIX + ".deadletters")).getJsonObject("rabbitmq"));
    topology = new QueueTopology(settings);
    RabbitMQClient client = RabbitMQClient.create(VERTX.get(), settings.clientOptions());
    client.start().compose(v -> topology.declare(client)).eventually(client::stop).await();
    connection = settings.connectionFactory().newConnection("DeadLettersCommandIT");
    channel = connection.createChannel();
    channel.confirmSelect();
  }

  @AfterAll
  static void remove() throws IOException {
    for (int shard = 0; shard < topology.shards(); shard++) {
      channel.queueDelete(topology.shardQueue(shard));
      channel.queueDelete(topology.hookShardQueue(shard));
    }
    channel.queueDelete(topology.deadLetterQueue());
    channel.queueDelete(topology.hookDeadQueue());
    for (String exchange : List.of(topology.exchange(), topology.deadLetterExchange(), topology.changesExchange(), topology.hooksExchange())) {
      channel.exchangeDelete(exchange);
    }
    connection.close();
  }

  /**
   * Five dead letters, in this order: two a writer gave up on (its layer is missing), one the
   * broker dead-lettered at its delivery limit, one whose body is not JSON, one with no headers.
   */
  @BeforeEach
  void deadLetters() throws Exception {
    for (int shard = 0; shard < topology.shards(); shard++) {
      channel.queuePurge(topology.shardQueue(shard));
    }
    channel.queuePurge(topology.deadLetterQueue());
    long now = System.currentTimeMillis();
    deadLetter(writers(MISSING, topology.shardOf(LAYER, "p1"), 7, now - 7_200_000, "req-p1"), upsert(LAYER, "p1"));
    deadLetter(writers(MISSING, topology.shardOf(LAYER, "p2"), 7, now - 60_000, "req-p2"), upsert(LAYER, "p2"));
    Map<String, Object> death = new HashMap<>();
    death.put("queue", topology.shardQueue(topology.shardOf(OTHER_LAYER, "r1")));
    death.put("reason", "delivery_limit");
    death.put("count", 1L);
    death.put("time", new Date(now - 600_000));
    Map<String, Object> broker = new HashMap<>();
    broker.put("x-death", List.of(death));
    broker.put(RequestIds.HEADER, "req-r1");
    deadLetter(broker, "{\"op\":\"delete\",\"layer\":\"" + OTHER_LAYER + "\",\"id\":\"r1\",\"ts\":1764172800000000}");
    deadLetter(writers(NOT_JSON, 2, 1, now - 30_000, "req-bad"), "not json {");
    deadLetter(null, upsert(OTHER_LAYER, "plain"));
    awaitDead(5);
  }

  private static Map<String, Object> writers(String reason, int shard, int tries, long deadAt, String requestId) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(DeadLetter.ERROR, reason);
    headers.put(DeadLetter.SHARD, shard);
    headers.put(DeadLetter.TRIES, tries);
    headers.put(DeadLetter.DEAD_MS, deadAt);
    headers.put(RequestIds.HEADER, requestId);
    return headers;
  }

  private static String upsert(String layer, String id) {
    return "{\"op\":\"upsert\",\"layer\":\"" + layer + "\",\"id\":\"" + id + "\",\"ts\":1764172800000000,\"lat\":37.77,\"lon\":-122.43,"
        + "\"coordinates\":\"[-122.43,37.77]\",\"created\":1764172800,\"properties\":\"{}\"}";
  }

  private static void deadLetter(Map<String, Object> headers, String body) throws Exception {
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().deliveryMode(2).headers(headers).build();
    channel.basicPublish(topology.deadLetterExchange(), "", properties, body.getBytes(StandardCharsets.UTF_8));
    channel.waitForConfirmsOrDie(10_000);
  }

  private static long count(String queue) {
    try {
      return channel.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** The dead-letter queue, once it holds {@code n} (a channel's unacknowledged messages come back as it closes). */
  private static void awaitDead(long n) {
    Eventually.await(Duration.ofSeconds(10), () -> count(topology.deadLetterQueue()), c -> c == n);
  }

  /**
   * Takes every message off a shard queue: counted, then consumed (the shard queues have a single
   * active consumer, which rules out {@code basic.get}; no writer consumes this test's queues).
   */
  private static List<Delivery> drain(int shard) throws IOException, InterruptedException {
    long waiting = count(topology.shardQueue(shard));
    List<Delivery> taken = new ArrayList<>();
    if (waiting == 0) {
      return taken;
    }
    BlockingQueue<Delivery> received = new LinkedBlockingQueue<>();
    String tag = channel.basicConsume(topology.shardQueue(shard), true, (consumer, delivery) -> received.add(delivery), consumer -> {});
    try {
      while (taken.size() < waiting) {
        Delivery delivery = received.poll(10, TimeUnit.SECONDS);
        assertThat(delivery).as("message %d of %d on %s", taken.size() + 1, waiting, topology.shardQueue(shard)).isNotNull();
        taken.add(delivery);
      }
    } finally {
      channel.basicCancel(tag);
    }
    return taken;
  }

  /** Every message on every shard queue, by shard, taken off. */
  private static Map<Integer, List<Delivery>> drainShards() throws IOException, InterruptedException {
    Map<Integer, List<Delivery>> all = new HashMap<>();
    for (int shard = 0; shard < topology.shards(); shard++) {
      List<Delivery> taken = drain(shard);
      if (!taken.isEmpty()) {
        all.put(shard, taken);
      }
    }
    return all;
  }

  private static Outcome run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    NodeDefaults defaults = new NodeDefaults("http://127.0.0.1:1", "", "", "", settings);
    int exit = Commands.run("dead-letters", List.of(args), defaults,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Outcome(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The RECORD column of a list's table, in order. */
  private static List<String> records(String listing) {
    return listing.lines().skip(1).takeWhile(line -> !line.isBlank()).map(line -> line.split("\\s+")[2]).toList();
  }

  @Test
  @DisplayName("list names each dead letter with its reason and tries, counts them by reason, and leaves the queue as it was")
  void lists() {
    Outcome listed = run();
    assertThat(listed.exit()).as(listed.err()).isZero();
    List<String> lines = listed.out().lines().toList();
    assertThat(lines.get(0)).startsWith("AGE").contains("SHARD", "RECORD", "OP", "TRIES", "REQUEST", "REASON");
    assertThat(lines.get(1)).startsWith("2h00m").contains(LAYER + "/p1", "upsert", " 7 ", "req-p1", MISSING);
    assertThat(lines.get(2)).contains(LAYER + "/p2", "req-p2", MISSING);
    // x-death times are whole seconds, and the listing comes a moment after the fixture.
    assertThat(lines.get(3))
        .matches("10m0[0-5]s .*")
        .contains(OTHER_LAYER + "/r1", "delete", "unknown", "req-r1", "broker: delivery_limit (count 1, queue " + topology.shardQueue(topology.shardOf(OTHER_LAYER, "r1")) + ")");
    assertThat(lines.get(4)).contains("unknown", " 2 ", " 1 ", "req-bad", NOT_JSON);
    assertThat(lines.get(5)).startsWith("unknown").contains(OTHER_LAYER + "/plain").endsWith("unknown");
    assertThat(listed.out())
        .contains("5 dead letters in " + topology.deadLetterQueue() + ", by reason:\n"
            + "  2  " + MISSING + "\n  1  broker: delivery_limit\n  1  " + NOT_JSON + "\n  1  unknown\n");
    awaitDead(5);

    Outcome again = run("list");
    assertThat(again.exit()).isZero();
    // The broker puts back what a channel leaves unacknowledged, but not necessarily in its place.
    assertThat(records(again.out())).as("the same dead letters").containsExactlyInAnyOrderElementsOf(records(listed.out()));

    Outcome first = run("list", "--limit", "2");
    assertThat(records(first.out())).hasSize(2).isSubsetOf(records(listed.out()));
    assertThat(first.out()).contains("the first 2 of 5 dead letters in " + topology.deadLetterQueue());
    awaitDead(5);
  }

  @Test
  @DisplayName("redrive sends exactly the dead letters selected to their shard queues, without why they died, and leaves the rest dead")
  void redrivesASubset() throws IOException, InterruptedException {
    Outcome dry = run("redrive", "--layer", LAYER, "--dry-run");
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("would re-drive  " + LAYER + "/p1", "would re-drive  " + LAYER + "/p2", "would re-drive 2 of 5");
    awaitDead(5);
    assertThat(drainShards()).as("a dry run sends nothing").isEmpty();

    Outcome layer = run("redrive", "--layer", LAYER, "--older-than", "3600");
    assertThat(layer.exit()).as(layer.err()).isZero();
    assertThat(layer.out()).contains("re-driven  " + LAYER + "/p1  upsert -> shard " + topology.shardOf(LAYER, "p1") + "  (was: " + MISSING + ")");
    assertThat(layer.out()).doesNotContain(LAYER + "/p2  upsert ->").contains("re-driven 1 of 5 dead letters looked at");
    awaitDead(4);
    Map<Integer, List<Delivery>> sent = drainShards();
    assertThat(sent).containsOnlyKeys(topology.shardOf(LAYER, "p1"));
    Delivery copy = sent.get(topology.shardOf(LAYER, "p1")).get(0);
    assertThat(new String(copy.getBody(), StandardCharsets.UTF_8)).isEqualTo(upsert(LAYER, "p1"));
    assertThat(copy.getProperties().getDeliveryMode()).isEqualTo(2);
    assertThat(copy.getProperties().getHeaders()).containsOnlyKeys(RequestIds.HEADER);
    assertThat(copy.getProperties().getHeaders().get(RequestIds.HEADER)).hasToString("req-p1");

    Outcome one = run("redrive", "--limit", "1", "--dry-run");
    assertThat(one.out()).as("--limit bounds what is looked at").contains("would re-drive 1 of 1 dead letters looked at");
    awaitDead(4);

    Outcome broker = run("redrive", "--reason-contains", "DELIVERY_LIMIT");
    assertThat(broker.exit()).as(broker.err()).isZero();
    Outcome notJson = run("redrive", "--reason-contains", "not a json");
    assertThat(notJson.exit()).as(notJson.err()).isZero();
    awaitDead(2);
    sent = drainShards();
    int r1 = topology.shardOf(OTHER_LAYER, "r1");
    assertThat(sent.keySet()).containsExactlyInAnyOrder(r1, 2);
    assertThat(sent.get(r1)).singleElement().satisfies(got -> assertThat(got.getProperties().getHeaders()).containsOnlyKeys(RequestIds.HEADER));
    assertThat(sent.get(2)).as("no record to route by: back to the shard it came from")
        .singleElement().satisfies(got -> assertThat(got.getBody()).asString(StandardCharsets.UTF_8).isEqualTo("not json {"));

    Outcome rest = run("list");
    assertThat(records(rest.out())).containsExactlyInAnyOrder(LAYER + "/p2", OTHER_LAYER + "/plain");
  }
}
