package io.locus.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BasicProperties;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * RabbitMQ alone, as Locus's write path uses it: persistent messages to a durable quorum queue
 * ({@value #QUEUE}, deleted at the end) on one channel with publisher confirms, through the
 * Vert.x RabbitMQ client. One operation is one publish, done when the broker confirmed it.
 */
final class RabbitProbe {
  static final String QUEUE = "bench.probe";
  private static final BasicProperties PERSISTENT =
      new AMQP.BasicProperties.Builder().contentType("application/json").deliveryMode(2).build();

  private final RabbitMQClient client;
  /** Unconfirmed publishes by delivery tag; the broker may confirm many at once ("multiple"). */
  private final ConcurrentSkipListMap<Long, Promise<Void>> unconfirmed = new ConcurrentSkipListMap<>();

  private RabbitProbe(RabbitMQClient client) {
    this.client = client;
  }

  static Future<Measurement> run(Vertx vertx, HostPort broker, int inflight, double warmupSeconds, double seconds) {
    RabbitMQClient client =
        RabbitMQClient.create(
            vertx,
            new RabbitMQOptions()
                .setHost(broker.host())
                .setPort(broker.port())
                .setUser("guest")
                .setPassword("guest")
                .setVirtualHost("/"));
    RabbitProbe probe = new RabbitProbe(client);
    String run = Long.toString(System.currentTimeMillis(), 36);
    return client
        .start()
        .compose(v -> client.queueDelete(QUEUE))
        .compose(v -> client.queueDeclare(QUEUE, true, false, false, new JsonObject().put("x-queue-type", "quorum")))
        .compose(v -> client.addConfirmListener(Math.max(1024, inflight * 16)))
        .compose(confirms -> {
          confirms.handler(c -> probe.settle(c.getDeliveryTag(), c.isMultiple(), c.isSucceeded()));
          return ClosedLoop.run(vertx, inflight, warmupSeconds, seconds, n -> probe.publish(ProbeRecord.of(run, n)));
        })
        .map(result -> result.measurement("RabbitMQ publish + confirm", "rabbitmq", "write"))
        .eventually(() -> client.queueDelete(QUEUE).eventually(client::stop));
  }

  private Future<Void> publish(ProbeRecord record) {
    Promise<Void> confirmed = Promise.promise();
    client
        .basicPublishWithDeliveryTag("", QUEUE, PERSISTENT, Buffer.buffer(record.message()), tag -> unconfirmed.put(tag, confirmed))
        .onFailure(confirmed::tryFail);
    return confirmed.future();
  }

  private void settle(long tag, boolean multiple, boolean acked) {
    if (multiple) {
      ConcurrentNavigableMap<Long, Promise<Void>> settled = unconfirmed.headMap(tag, true);
      for (Map.Entry<Long, Promise<Void>> entry : settled.entrySet()) {
        complete(entry.getValue(), acked);
      }
      settled.clear();
    } else {
      Promise<Void> promise = unconfirmed.remove(tag);
      if (promise != null) {
        complete(promise, acked);
      }
    }
  }

  private static void complete(Promise<Void> promise, boolean acked) {
    if (acked) {
      promise.tryComplete();
    } else {
      promise.tryFail("nack from the broker");
    }
  }
}
