package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.ops.Metrics;
import io.locus.ops.RequestIds;
import io.micrometer.core.instrument.Counter;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends poison to the dead-letter exchange: the message's body as delivered, persistent, with
 * the headers {@value #ERROR} (why) and {@value #SHARD} (which queue it came from). The original
 * delivery is acked once the broker confirmed the dead letter, and requeued for another try if
 * it did not.
 */
final class DeadLetters {
  static final String ERROR = "x-locus-error";
  static final String SHARD = "x-locus-shard";
  private static final long CONFIRM_TIMEOUT_MS = 5_000;
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  private final RabbitMQClient client;
  private final QueueTopology topology;
  private final Deliveries deliveries;
  private final Counter sent = Metrics.registry().counter(Metrics.DEAD_LETTERED);

  DeadLetters(RabbitMQClient client, QueueTopology topology, Deliveries deliveries) {
    this.client = client;
    this.topology = topology;
    this.deliveries = deliveries;
  }

  void send(int shard, RabbitMQMessage message, Deliveries.Delivery delivery, String reason) {
    LOG.atError()
        .addKeyValue("requestId", Deliveries.header(message, RequestIds.HEADER))
        .log("dead-lettering a message of shard {}: {}", shard, reason);
    sent.increment();
    client
        .basicPublish(topology.deadLetterExchange(), "", properties(shard, reason), message.body())
        .compose(v -> client.waitForConfirms(CONFIRM_TIMEOUT_MS))
        .onSuccess(v -> deliveries.ack(delivery))
        .onFailure(
            cause -> {
              LOG.warn("could not dead-letter; requeued for another try: {}", cause.getMessage());
              deliveries.requeue(delivery);
            });
  }

  /** The properties of a dead letter from {@code shard}, failed for {@code reason}. */
  static AMQP.BasicProperties properties(int shard, String reason) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(ERROR, String.valueOf(reason));
    headers.put(SHARD, shard);
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .contentType("application/json")
        .headers(headers)
        .build();
  }
}
