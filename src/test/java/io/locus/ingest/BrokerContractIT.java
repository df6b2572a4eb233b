package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import io.locus.support.Broker;
import io.locus.support.Eventually;
import io.locus.support.TestNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What Locus relies on of the broker and of its own connections, against the real RabbitMQ: a
 * write held by a consumer whose connection closes goes back to its queue however often, and a
 * connection Locus rebuilt is set up in its order and cancels on its own channel.
 */
@DisplayName("The broker keeps held writes, and a rebuilt connection is set up in order")
class BrokerContractIT {
  private static final int PREFETCH = 5;

  private Vertx vertx;
  private RabbitSettings settings;
  private QueueTopology topology;
  private BrokerConnection connection;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    JsonObject rabbitmq =
        TestNode.config(
                Map.of(
                    "LOCUS_RABBITMQ_NAME_PREFIX", TestNode.PREFIX + ".contract." + System.nanoTime(),
                    "LOCUS_RABBITMQ_SHARDS", "1",
                    "LOCUS_RABBITMQ_PREFETCH", String.valueOf(PREFETCH)))
            .getJsonObject("rabbitmq");
    settings = RabbitSettings.from(rabbitmq);
    topology = new QueueTopology(settings);
  }

  @AfterEach
  void tearDown() {
    try {
      if (connection != null) {
        connection.close().await();
      }
      RabbitMQClient client = client();
      for (String queue : List.of(topology.shardQueue(0), topology.hookShardQueue(0), topology.deadLetterQueue(), topology.hookDeadQueue())) {
        client.queueDelete(queue).await();
      }
      client.stop().await();
    } finally {
      vertx.close().await();
    }
  }

  private RabbitMQClient client() {
    RabbitMQClient client = RabbitMQClient.create(vertx, settings.clientOptions());
    client.start().await();
    return client;
  }

  /** Publishes {@code count} writes to shard 0, each confirmed. */
  private void publishConfirmed(int count) {
    ConfirmedPublisher publisher = onContext(() -> {
      ConfirmedPublisher p = new ConfirmedPublisher(vertx, settings, "test publishes", topology::declare);
      return p.start().map(p);
    });
    try {
      AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
      for (int i = 0; i < count; i++) {
        int n = i;
        onContext(() -> publisher.publish(topology.exchange(), QueueTopology.routingKey(0), persistent, Buffer.buffer("{\"n\":" + n + "}")));
      }
    } finally {
      onContext(publisher::close);
    }
  }

  /** Runs {@code action} on a context of {@link #vertx} and waits for its future. */
  private <T> T onContext(java.util.function.Supplier<Future<T>> action) {
    Promise<T> done = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(done));
    return done.future().await();
  }

  @Test
  @DisplayName("a confirmed write consumed without an ack through 10 closed connections is still in its shard queue, and nothing is dead-lettered")
  void heldWritesSurviveClosedConnections() {
    publishConfirmed(1);
    for (int round = 0; round < 10; round++) {
      RabbitMQClient consumer = RabbitMQClient.create(vertx, settings.clientOptions());
      Promise<RabbitMQMessage> delivered = Promise.promise();
      // the handler is set on the context the consumer delivers on, as the writers do
      onContext(
          () ->
              consumer
                  .start()
                  .compose(v -> consumer.basicQos(1))
                  .compose(v -> consumer.basicConsumer(topology.shardQueue(0), new QueueOptions().setAutoAck(false)))
                  .map(subscription -> subscription.handler(delivered::tryComplete)));
      try {
        delivered.future().await(10, TimeUnit.SECONDS);
      } catch (TimeoutException gone) {
        break; // the queue no longer holds it: the assertions below say where it went
      } finally {
        consumer.stop().await();
      }
    }
    RabbitMQClient client = client();
    try {
      assertThat(Eventually.await(Duration.ofSeconds(10), () -> client.messageCount(topology.shardQueue(0)).await(), n -> n == 1L))
          .isEqualTo(1L);
      assertThat(client.messageCount(topology.deadLetterQueue()).await()).isZero();
    } finally {
      client.stop().await();
    }
  }

  /** A writer's connection: declare, QoS, then one {@link ShardConsumers} holding every delivery unacknowledged. */
  private AtomicReference<ShardConsumers> connectHolding(ConcurrentLinkedQueue<RabbitMQMessage> held) {
    AtomicReference<ShardConsumers> consumers = new AtomicReference<>();
    String name = "contract test";
    onContext(() -> {
      connection =
          new BrokerConnection(
              vertx,
              settings,
              name,
              (client, epoch) -> {
                Deliveries deliveries = new Deliveries(connection);
                ShardConsumers subscribed =
                    new ShardConsumers(vertx, client, epoch, deliveries, topology, Set.of(), (shard, m) -> held.add(m), () -> false, shard -> {});
                return topology
                    .declare(client)
                    .compose(v -> client.basicQos(settings.prefetch()))
                    .compose(v -> subscribed.consumeAll())
                    .onSuccess(v -> consumers.set(subscribed));
              },
              why -> {});
      return connection.start();
    });
    return consumers;
  }

  private long epoch() {
    return onContext(() -> Future.succeededFuture(connection.ready() ? connection.epoch() : -1));
  }

  @Test
  @DisplayName("after the broker closed its connection, a rebuilt writer cancels its consumer on the new channel: the broker lists none")
  void cancelAfterRebuild() {
    AtomicReference<ShardConsumers> consumers = connectHolding(new ConcurrentLinkedQueue<>());
    long first = epoch();
    assertThat(Broker.consumers(topology.shardQueue(0))).hasSize(1);

    assertThat(Broker.closeConnections(settings.namePrefix() + ": contract test")).isEqualTo(1);
    Eventually.await(Duration.ofSeconds(20), this::epoch, epoch -> epoch > first);
    Eventually.await(Duration.ofSeconds(10), () -> Broker.consumers(topology.shardQueue(0)), list -> list.size() == 1);

    onContext(() -> Future.join(consumers.get().cancelAll()).mapEmpty());
    assertThat(Broker.consumers(topology.shardQueue(0))).as("consumers the broker lists after the cancel").isEmpty();
    assertThat(epoch()).as("the connection stays up").isGreaterThan(first);
  }

  @Test
  @DisplayName("QoS precedes every consume: after a reconnection with a backlog, the consumer holds exactly the configured prefetch")
  void prefetchAfterRebuild() {
    publishConfirmed(PREFETCH * 6);
    ConcurrentLinkedQueue<RabbitMQMessage> held = new ConcurrentLinkedQueue<>();
    connectHolding(held);
    Eventually.await(Duration.ofSeconds(10), () -> Broker.unacknowledged(topology.shardQueue(0)), n -> n == PREFETCH);
    long first = epoch();

    assertThat(Broker.closeConnections(settings.namePrefix() + ": contract test")).isEqualTo(1);
    Eventually.await(Duration.ofSeconds(20), this::epoch, epoch -> epoch > first);

    assertThat(Eventually.await(Duration.ofSeconds(10), () -> Broker.consumers(topology.shardQueue(0)), list -> list.size() == 1))
        .containsExactly(topology.shardQueue(0) + " " + PREFETCH + " true");
    assertThat(Eventually.await(Duration.ofSeconds(10), () -> Broker.unacknowledged(topology.shardQueue(0)), n -> n == PREFETCH))
        .isEqualTo(PREFETCH);
    assertThat(held).as("deliveries handed over: a prefetch before and one after the rebuild").hasSizeLessThanOrEqualTo(PREFETCH * 2);
  }

  @Test
  @DisplayName("a publisher whose event loop was blocked for 15 s, thousands of confirms arriving meanwhile, has its confirms again within seconds")
  void publisherAfterABlockedLoop() {
    Context context = vertx.getOrCreateContext();
    Promise<ConfirmedPublisher> started = Promise.promise();
    context.runOnContext(v -> {
      ConfirmedPublisher publisher = new ConfirmedPublisher(vertx, settings, "blocked publisher", topology::declare);
      publisher.start().map(publisher).onComplete(started);
    });
    ConfirmedPublisher publisher = started.future().await();
    AMQP.BasicProperties persistent = new AMQP.BasicProperties.Builder().deliveryMode(2).build();
    context.runOnContext(v -> {
      for (int i = 0; i < 3_000; i++) {
        publisher.publish(topology.exchange(), QueueTopology.routingKey(0), persistent, Buffer.buffer("{}"));
      }
      LockSupport.parkNanos(Duration.ofSeconds(15).toNanos()); // the fault: the loop blocked while the confirms arrive
    });
    try {
      // 15 s of the block, then seconds to confirm again (the probes queue behind the block)
      String confirmed =
          Eventually.await(
              Duration.ofSeconds(40),
              () -> {
                Promise<String> answer = Promise.promise();
                context.runOnContext(
                    v -> publisher.publish(topology.exchange(), QueueTopology.routingKey(0), persistent, Buffer.buffer("{}"))
                        .map("confirmed")
                        .otherwise(Throwable::getMessage)
                        .onComplete(answer));
                return answer.future().await();
              },
              "confirmed"::equals);
      assertThat(confirmed).isEqualTo("confirmed");
    } finally {
      Promise<Void> closed = Promise.promise();
      context.runOnContext(v -> publisher.close().onComplete(closed));
      closed.future().await();
    }
  }
}
