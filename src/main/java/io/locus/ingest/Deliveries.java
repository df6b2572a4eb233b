package io.locus.ingest;

import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries a writer holds, counted from receipt until it settles them: acked once their
 * operation is in Cassandra (or in the dead-letter queue), or requeued. A failed ack or nack is
 * only logged: the broker redelivers whatever it did not hear settled. A delivery received on a
 * connection that has since been replaced has {@link #lapsed}: the broker requeued it when the
 * old channel closed, so it is never settled on the new channel (its tag would name another
 * delivery there, or none, which closes the channel). Not thread-safe: use it from one
 * event-loop context.
 */
final class Deliveries {
  private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

  private final RabbitMQClient client;
  private int held;
  private int generation;

  /** One delivery: its tag on the channel of connection {@code generation}. */
  record Delivery(long tag, int generation) {}

  Deliveries(RabbitMQClient client) {
    this.client = client;
  }

  /** Counts a delivery in; what settles it later names it by the token returned. */
  Delivery received(long tag) {
    held++;
    return new Delivery(tag, generation);
  }

  /** The connection was replaced: what was received before has lapsed. */
  void reconnected() {
    generation++;
  }

  /** Whether {@code delivery} came on a connection that has since been replaced. */
  boolean lapsed(Delivery delivery) {
    return delivery.generation() != generation;
  }

  void ack(Delivery delivery) {
    held--;
    if (lapsed(delivery)) {
      return;
    }
    client
        .basicAck(delivery.tag(), false)
        .onFailure(cause -> LOG.info("ack failed, the broker will redeliver: {}", cause.getMessage()));
  }

  void requeue(Delivery delivery) {
    held--;
    if (lapsed(delivery)) {
      return;
    }
    client
        .basicNack(delivery.tag(), false, true)
        .onFailure(cause -> LOG.info("nack failed, the broker will redeliver: {}", cause.getMessage()));
  }

  /** Received and not settled yet. */
  int held() {
    return held;
  }

  /** The AMQP header {@code name} of {@code message}, or {@code null}. */
  static Object header(RabbitMQMessage message, String name) {
    Map<String, Object> headers = message.properties().getHeaders();
    return headers == null ? null : headers.get(name);
  }
}
