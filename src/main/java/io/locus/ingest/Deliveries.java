package io.locus.ingest;

import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries a writer holds, counted from receipt until it settles them: acked once their
 * operation is in Cassandra (or in the dead-letter queue), or requeued. A failed ack or nack is
 * only logged: the broker redelivers whatever it did not hear settled. Not thread-safe: use it
 * from one event-loop context.
 */
final class Deliveries {
  private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

  private final RabbitMQClient client;
  private int held;

  Deliveries(RabbitMQClient client) {
    this.client = client;
  }

  void received() {
    held++;
  }

  void ack(long tag) {
    held--;
    client
        .basicAck(tag, false)
        .onFailure(cause -> LOG.info("ack failed, the broker will redeliver: {}", cause.getMessage()));
  }

  void requeue(long tag) {
    held--;
    client
        .basicNack(tag, false, true)
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
