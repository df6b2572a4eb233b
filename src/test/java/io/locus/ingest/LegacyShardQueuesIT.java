package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import io.locus.record.ExactJson;
import io.locus.record.PointRecord;
import io.locus.record.WriteOp;
import io.locus.support.Broker;
import io.locus.support.Eventually;
import io.locus.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * An upgrade from a release whose shard queues were {@code <prefix>.shard.<n>}, with a broker
 * delivery limit: what such a queue still holds is applied by the writers of this one.
 */
@DisplayName("Shard queues of an earlier release are drained by the writers")
class LegacyShardQueuesIT {
  @Test
  @DisplayName("a write waiting in an old <prefix>.shard.<n> queue when the node starts is applied, and the queue is left empty")
  void oldQueueIsDrained() {
    Map<String, String> overrides = Map.of("LOCUS_RABBITMQ_NAME_PREFIX", TestNode.PREFIX + ".legacy." + System.nanoTime());
    RabbitSettings rabbit = RabbitSettings.from(TestNode.config(overrides).getJsonObject("rabbitmq"));
    QueueTopology topology = new QueueTopology(rabbit);
    String layer;
    try (TestNode node = TestNode.start(overrides)) {
      layer = node.http.newLayer("it.legacy.");
    }
    String id = "waiting";
    int shard = topology.shardOf(layer, id);
    Vertx vertx = Vertx.vertx();
    try {
      RabbitMQClient client = RabbitMQClient.create(vertx, rabbit.clientOptions());
      client.start().await();
      try {
        // The queue as earlier releases declared it, on their exchange (the bare prefix).
        JsonObject arguments =
            new JsonObject()
                .put("x-queue-type", "quorum")
                .put("x-single-active-consumer", true)
                .put("x-delivery-limit", 5)
                .put("x-dead-letter-exchange", topology.deadLetterExchange());
        client.exchangeDeclare(rabbit.namePrefix(), "direct", true, false).await();
        client.queueDeclare(topology.legacyShardQueue(shard), true, false, false, arguments).await();
        client.queueBind(topology.legacyShardQueue(shard), rabbit.namePrefix(), QueueTopology.routingKey(shard)).await();
        JsonObject feature = ExactJson.parseObject("{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[3,4]}}");
        WriteOp op = WriteOp.upsert(PointRecord.fromFeature(layer, id, feature, 0), 1L);
        client
            .basicPublish(rabbit.namePrefix(), QueueTopology.routingKey(shard), new AMQP.BasicProperties.Builder().deliveryMode(2).build(), op.toJson().toBuffer())
            .await();
      } finally {
        client.stop().await();
      }
    } finally {
      vertx.close().await();
    }

    try (TestNode node = TestNode.start(overrides)) {
      assertThat(node.http.awaitStatus("/0.1/records/" + layer + "/" + id, 200).json().getJsonObject("geometry").getJsonArray("coordinates").getInteger(0))
          .isEqualTo(3);
      Eventually.await(Duration.ofSeconds(20), () -> Broker.messages(topology.legacyShardQueue(shard)), n -> n == 0);
      assertThat(Broker.consumers(topology.legacyShardQueue(shard))).as("writers consuming the old queue").isNotEmpty();
    }
  }
}
