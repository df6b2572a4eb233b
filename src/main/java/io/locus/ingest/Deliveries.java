package io.locus.ingest;

import io.vertx.core.Handler;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deliveries a consumer holds, counted from receipt until it settles them: acked once their
 * work is done (or in the dead-letter queue), or requeued. A failed ack or nack is only logged:
 * the broker redelivers whatever it did not hear settled.
 *
 * <p>A delivery tag means something only on the channel that delivered it. Each delivery is
 * marked with the {@link BrokerConnection#epoch epoch} of its connection; once that connection is
 * found broken the delivery has {@link #lapsed}: the broker requeued it when the channel went, so
 * it is never settled on another channel (its tag would name another delivery there, or none).
 * Subscriptions pass their messages through {@link #subscribed}, which drops what a consumer's
 * buffer still hands over after its connection lapsed. Use it from the connection's context.
 */
final class Deliveries {
  /** Which connection is current, and its client (a {@link BrokerConnection}). */
  interface Epochs {
    /** The current connection's number. */
    long epoch();

    /** The client of connection {@code epoch} while it is the current one, else {@code null}. */
    RabbitMQClient clientAt(long epoch);
  }

  private static final Logger LOG = LoggerFactory.getLogger(Deliveries.class);

  private final Epochs connection;
  private int held;

  /** One delivery: its tag on the channel of connection {@code epoch}. */
  record Delivery(long tag, long epoch) {}

  Deliveries(Epochs connection) {
    this.connection = connection;
  }

  /**
   * The handler of a subscription made on connection {@code epoch}: {@code handler}, as long as
   * that connection is the current one; what arrives later is passed over (it lapsed).
   */
  Handler<RabbitMQMessage> subscribed(long epoch, Handler<RabbitMQMessage> handler) {
    return message -> {
      if (current(epoch)) {
        handler.handle(message);
      }
    };
  }

  /** Whether connection {@code epoch} is the current one. */
  boolean current(long epoch) {
    return connection.clientAt(epoch) != null;
  }

  /** Counts a delivery in; what settles it later names it by the token returned. */
  Delivery received(RabbitMQMessage message) {
    held++;
    return new Delivery(message.envelope().getDeliveryTag(), connection.epoch());
  }

  /** Whether {@code delivery} came on a connection that has since been found broken. */
  boolean lapsed(Delivery delivery) {
    return connection.clientAt(delivery.epoch()) == null;
  }

  void ack(Delivery delivery) {
    held--;
    RabbitMQClient client = connection.clientAt(delivery.epoch());
    if (client != null) {
      client
          .basicAck(delivery.tag(), false)
          .onFailure(cause -> LOG.info("ack failed, the broker will redeliver: {}", cause.getMessage()));
    }
  }

  void requeue(Delivery delivery) {
    held--;
    RabbitMQClient client = connection.clientAt(delivery.epoch());
    if (client != null) {
      client
          .basicNack(delivery.tag(), false, true)
          .onFailure(cause -> LOG.info("nack failed, the broker will redeliver: {}", cause.getMessage()));
    }
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
