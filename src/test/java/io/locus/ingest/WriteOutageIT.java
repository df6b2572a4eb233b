package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Broker;
import io.locus.support.Eventually;
import io.locus.support.Http.Response;
import io.locus.support.TcpProxy;
import io.locus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A writer whose Cassandra is cut off (behind a {@link TcpProxy}, the rest of the machine
 * unaffected) holds what it was given through reconnections to the broker and through its own
 * stop: nothing is dead-lettered, and all of it is applied once Cassandra is back.
 */
@DisplayName("Writes held through a Cassandra outage survive broker reconnections and a stop")
class WriteOutageIT {
  private static final int WRITES = 100;
  private static final int RECONNECTIONS = 6;

  @Test
  @DisplayName("Cassandra cut: 100 writes answered 202, the writer's connection closed 6 times, the node stopped; Cassandra back: all 100 readable, nothing dead-lettered")
  void heldThroughChurnAndStop() {
    String prefix = TestNode.PREFIX + ".outage." + System.nanoTime();
    Map<String, String> overrides = new HashMap<>();
    overrides.put("LOCUS_RABBITMQ_NAME_PREFIX", prefix);
    overrides.put("LOCUS_LIFECYCLE_SHUTDOWN_DEADLINE_MS", "1000");
    RabbitSettings rabbit = RabbitSettings.from(TestNode.config(overrides).getJsonObject("rabbitmq"));
    QueueTopology topology = new QueueTopology(rabbit);
    String layer;
    try (TcpProxy cassandra = TcpProxy.start("127.0.0.1", 9042)) {
      overrides.put("LOCUS_CASSANDRA_PORT", String.valueOf(cassandra.port()));
      TestNode node = TestNode.start(overrides);
      try {
        layer = node.http.newLayer("it.cut.");
        assertThat(node.http.put("/0.1/records/" + layer + "/warm", feature("warm", 0)).status()).isEqualTo(202);
        node.http.awaitStatus("/0.1/records/" + layer + "/warm", 200);

        cassandra.cut();
        Response accepted = node.http.post("/0.1/records/" + layer + ".json", collection(0, WRITES));
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(202);

        String writer = prefix + ": writer";
        for (int i = 0; i < RECONNECTIONS; i++) {
          // the writer's connections (deliveries, publishes) rebuilt and consuming again, then closed again
          Eventually.await(Duration.ofSeconds(20), () -> Broker.connections(writer).size(), open -> open == 2);
          Eventually.await(Duration.ofSeconds(20), () -> Broker.consumers(topology.shardQueue(0)), list -> !list.isEmpty());
          assertThat(Broker.closeConnections(writer)).as("writer connections closed").isEqualTo(2);
        }
      } finally {
        node.close(); // while Cassandra is still cut off: the writer gives back what it holds
      }
      cassandra.restore();
    }

    assertThat(deadLetters(rabbit, topology)).as("dead letters after the stop").isZero();
    overrides.remove("LOCUS_CASSANDRA_PORT");
    try (TestNode node = TestNode.start(overrides)) {
      for (int i = 0; i < WRITES; i += 10) {
        Response got = node.http.awaitStatus("/0.1/records/" + layer + "/r" + i, 200);
        assertThat(got.json().getJsonObject("geometry").getJsonArray("coordinates").getInteger(0)).isEqualTo(i % 180);
      }
      for (int i = 0; i < WRITES; i++) {
        assertThat(node.http.get("/0.1/records/" + layer + "/r" + i).status()).as("r" + i).isEqualTo(200);
      }
      assertThat(deadLetters(rabbit, topology)).as("dead letters at the end").isZero();
      for (int shard = 0; shard < topology.shards(); shard++) {
        int n = shard;
        Eventually.await(Duration.ofSeconds(20), () -> Broker.unacknowledged(topology.shardQueue(n)), left -> left == 0);
      }
    }
  }

  private static long deadLetters(RabbitSettings rabbit, QueueTopology topology) {
    Vertx vertx = Vertx.vertx();
    try {
      RabbitMQClient client = RabbitMQClient.create(vertx, rabbit.clientOptions());
      client.start().await();
      try {
        return client.messageCount(topology.deadLetterQueue()).await();
      } finally {
        client.stop().await();
      }
    } finally {
      vertx.close().await();
    }
  }

  private static String feature(String id, int lon) {
    return new JsonObject()
        .put("type", "Feature")
        .put("id", id)
        .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(1)))
        .encode();
  }

  private static String collection(int from, int count) {
    JsonArray features = new JsonArray();
    for (int i = from; i < from + count; i++) {
      features.add(new JsonObject(feature("r" + i, i % 180)));
    }
    return new JsonObject().put("type", "FeatureCollection").put("features", features).encode();
  }
}
