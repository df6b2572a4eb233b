package io.locus.ingest;

import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries a writer holds, counted from receipt until it settles them: acked once their
 * operation is in Cassandra (or in the dead-letter queue), or requeued. A failed ack or nack is
 * only logged: the broker redelivers whatever it did not hear settled.
 *
 * <p>A delivery tag means something only on the channel that delivered it, and the client acks
 * on its current channel. A delivery of a subscription that lived on a connection since replaced
 * has {@link #lapsed}: the broker requeued it when the old channel closed, so it is never settled
 * on the new one (its tag would name another delivery there, or none, which closes the channel).
 * Which channel a delivery came on is told by its subscription's consumer tag, not by when it is
 * handled: the client may hand a message of the old channel to the handler after the new
 * connection is up (it was waiting in the consumer's buffer), and the client re-subscribes a
 * consumer on the new channel under a new tag. On every new connection, before the client
 * re-subscribes, {@link #reconnected} retires the tags the subscriptions had. Use it from one
 * event-loop context, but for {@link #reconnected}, which may run on the client's thread.
 */
final class Deliveries {
  private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

  private final RabbitMQClient client;
  private final Set<String> retired = ConcurrentHashMap.newKeySet();
  private int held;

  /** One delivery: its tag on the channel of the subscription {@code consumerTag}. */
  record Delivery(long tag, String consumerTag) {}

  Deliveries(RabbitMQClient client) {
    this.client = client;
  }

  /** Counts a delivery in; what settles it later names it by the token returned. */
  Delivery received(RabbitMQMessage message) {
    held++;
    return new Delivery(message.envelope().getDeliveryTag(), message.consumerTag());
  }

  /**
   * The connection was replaced: deliveries of the subscriptions with {@code consumerTags} (their
   * tags as they stand, before the client re-subscribes them) have lapsed.
   */
  void reconnected(Collection<String> consumerTags) {
    retired.addAll(consumerTags);
  }

  /** Whether {@code delivery} came on a connection that has since been replaced. */
  boolean lapsed(Delivery delivery) {
    return retired.contains(delivery.consumerTag());
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
