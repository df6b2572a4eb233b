package io.locus.ingest;

import io.locus.record.WriteBatch;
import io.locus.record.WriteOp;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.locus.support.RunningNode;
import static org.assertj.core.api.Assertions.assertThat;

import io.locus.common.Addresses;
import io.locus.record.ExactJson;
import io.locus.record.PointRecord;
import io.locus.support.Eventually;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.locus.ops.Metrics;
import io.micrometer.core.instrument.Counter;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import com.rabbitmq.client.AMQP;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Writers apply each operation once, newest wins, poison goes to the dead-letter queue")
class WriterIT {
  @RegisterExtension static final RunningNode NODE = new RunningNode();
  private static RabbitSettings rabbit;

  @BeforeAll
  static void start() {
    rabbit = RabbitSettings.from(NODE.node().config.getJsonObject("rabbitmq"));
  }

  private static WriteOp upsert(String layer, String id, int lon, long created, long acceptedMicros) {
    JsonObject feature =
        ExactJson.parseObject(
            "{\"type\":\"Feature\",\"created\":" + created + ",\"geometry\":{\"type\":\"Point\",\"coordinates\":["
                + lon + ",10]}}");
    return WriteOp.upsert(PointRecord.fromFeature(layer, id, feature, 0), acceptedMicros);
  }

  private static void publish(WriteOp... ops) {
    NODE.node().vertx().eventBus().request(Addresses.PUBLISH, new WriteBatch(java.util.List.of(ops))).await();
  }

  private static JsonObject history(String layer, String id) {
    return NODE.http().get("/0.1/records/" + layer + "/" + id + "/history.json?limit=50").json();
  }

  @Test
  @DisplayName("the same message delivered twice leaves one record and one history entry")
  void duplicateDelivery() {
    String layer = NODE.http().newLayer("it.w.");
    WriteOp op = upsert(layer, "dup", 7, 1_600_000_000L, 123_456L);
    publish(op, op);
    WriteOp marker = upsert(layer, "marker", 1, 1_600_000_000L, 1L);
    publish(marker);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/marker", 200);
    NODE.http().awaitStatus("/0.1/records/" + layer + "/dup", 200);
    assertThat(history(layer, "dup").getJsonArray("geometries")).hasSize(1);
  }

  @Test
  @DisplayName("an older update arriving after a newer one leaves the newer position in place")
  void olderAfterNewer() {
    String layer = NODE.http().newLayer("it.w.");
    publish(upsert(layer, "r", 2, 1_600_000_200L, 0), upsert(layer, "r", 1, 1_600_000_100L, 0));
    JsonObject history =
        Eventually.await(Duration.ofSeconds(20), () -> history(layer, "r"),
            h -> h.getJsonArray("geometries", new JsonArray()).size() == 2);
    assertThat(history.getJsonArray("geometries").getJsonObject(0).getLong("created")).isEqualTo(1_600_000_200L);
    JsonObject record = NODE.http().get("/0.1/records/" + layer + "/r").json();
    assertThat(record.getJsonObject("geometry").getJsonArray("coordinates").getInteger(0)).isEqualTo(2);
    assertThat(record.getLong("created")).isEqualTo(1_600_000_200L);
  }

  @Test
  @DisplayName("a write older than a delete does not bring the record back")
  void olderWriteAfterDelete() {
    String layer = NODE.http().newLayer("it.w.");
    long now = System.currentTimeMillis() * 1000L;
    publish(upsert(layer, "d", 3, 1_600_000_000L, 0), WriteOp.delete(layer, "d", now),
        upsert(layer, "d", 4, 1_600_000_001L, 0), upsert(layer, "after", 5, 1_600_000_000L, 0));
    NODE.http().awaitStatus("/0.1/records/" + layer + "/after", 200);
    Eventually.await(Duration.ofSeconds(20), () -> NODE.http().get("/0.1/records/" + layer + "/d").status(), s -> s == 404);
  }

  @Test
  @DisplayName("a malformed message is dead-lettered with its reason and does not hold up its queue")
  void poisonMessage() {
    QueueTopology topology = new QueueTopology(rabbit);
    RabbitMQClient client = RabbitMQClient.create(NODE.node().vertx(), rabbit.clientOptions());
    client.start().await();
    try {
      while (client.basicGet(topology.deadLetterQueue(), true).await() != null) {
        // drain dead letters of earlier runs
      }
      String layer = NODE.http().newLayer("it.w.");
      WriteOp after = upsert(layer, "after-poison", 1, 1_600_000_000L, 0);
      int shard = topology.shardOf(layer, "after-poison");
      client.basicPublish(topology.exchange(), QueueTopology.routingKey(shard), Buffer.buffer("not json {")).await();
      publish(after);

      RabbitMQMessage dead =
          Eventually.await(Duration.ofSeconds(20),
              () -> client.basicGet(topology.deadLetterQueue(), true).await(), m -> m != null);
      assertThat(dead.body().toString()).isEqualTo("not json {");
      assertThat(String.valueOf(dead.properties().getHeaders().get("x-locus-error"))).contains("JSON");
      NODE.http().awaitStatus("/0.1/records/" + layer + "/after-poison", 200);
    } finally {
      client.stop().await();
    }
  }

  @Test
  @DisplayName("a write to a layer that does not exist is dead-lettered with its reason and counted, never acknowledged unwritten")
  void layerGone() {
    QueueTopology topology = new QueueTopology(rabbit);
    RabbitMQClient client = RabbitMQClient.create(NODE.node().vertx(), rabbit.clientOptions());
    client.start().await();
    try {
      while (client.basicGet(topology.deadLetterQueue(), true).await() != null) {
        // drain dead letters of earlier runs
      }
      double before = layerGoneCount();
      String layer = "it.w.gone." + System.nanoTime();
      publish(upsert(layer, "orphan", 1, 1_600_000_000L, 0));

      RabbitMQMessage dead =
          Eventually.await(Duration.ofSeconds(20), () -> client.basicGet(topology.deadLetterQueue(), true).await(), m -> m != null);
      assertThat(WriteOp.fromJson(dead.body()).id()).isEqualTo("orphan");
      assertThat(String.valueOf(dead.properties().getHeaders().get("x-locus-error"))).contains("layer " + layer + " does not exist");
      assertThat(dead.properties().getHeaders()).containsKeys("x-locus-tries", "x-locus-dead-ms", "x-locus-shard");
      assertThat(layerGoneCount()).isEqualTo(before + 1);
    } finally {
      client.stop().await();
    }
  }

  @Test
  @DisplayName("a message of several operations is applied as one unit: the one whose layer is gone is dead-lettered alone, with its request id, the others are written")
  void oneUnitPoisonPerOperation() {
    QueueTopology topology = new QueueTopology(rabbit);
    RabbitMQClient client = RabbitMQClient.create(NODE.node().vertx(), rabbit.clientOptions());
    client.start().await();
    try {
      while (client.basicGet(topology.deadLetterQueue(), true).await() != null) {
        // drain dead letters of earlier runs
      }
      String layer = NODE.http().newLayer("it.w.");
      String gone = "it.w.gone." + System.nanoTime();
      int shard = topology.shardOf(layer, "first");
      List<String> ids = new ArrayList<>();
      for (int i = 0; ids.size() < 2; i++) {
        if (topology.shardOf(layer, "unit-" + i) == shard) {
          ids.add("unit-" + i);
        }
      }
      String orphan = null;
      for (int i = 0; orphan == null; i++) {
        if (topology.shardOf(gone, "orphan-" + i) == shard) {
          orphan = "orphan-" + i;
        }
      }
      Buffer message =
          ShardMessage.of(
              List.of(
                  ShardMessage.entry(upsert(layer, ids.get(0), 1, 1_600_000_000L, 0), "req-a"),
                  ShardMessage.entry(upsert(gone, orphan, 2, 1_600_000_000L, 0), "req-orphan"),
                  ShardMessage.entry(upsert(layer, ids.get(1), 3, 1_600_000_000L, 0), "req-b")));
      client
          .basicPublish(
              topology.exchange(),
              QueueTopology.routingKey(shard),
              new AMQP.BasicProperties.Builder().deliveryMode(2).contentType(ShardMessage.CONTENT_TYPE).build(),
              message)
          .await();

      RabbitMQMessage dead =
          Eventually.await(Duration.ofSeconds(20), () -> client.basicGet(topology.deadLetterQueue(), true).await(), m -> m != null);
      assertThat(WriteOp.fromJson(dead.body()).id()).isEqualTo(orphan);
      assertThat(String.valueOf(dead.properties().getHeaders().get("x-request-id"))).isEqualTo("req-orphan");
      for (String id : ids) {
        NODE.http().awaitStatus("/0.1/records/" + layer + "/" + id, 200);
      }
      assertThat(client.basicGet(topology.deadLetterQueue(), true).await()).as("nothing else dead-lettered").isNull();
    } finally {
      client.stop().await();
    }
  }

  private static double layerGoneCount() {
    Counter counter = Metrics.registry().find(Metrics.DEAD_LETTERED).tag("cause", "layer_gone").counter();
    return counter == null ? 0 : counter.count();
  }
}
