package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.ops.Metrics;
import io.locus.ops.RequestIds;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends poison to the dead-letter exchange: the message's body as delivered, persistent, with
 * the headers {@value #ERROR} (why), {@value #SHARD} (which queue it came from), {@value #TRIES}
 * (tries the writer made) and {@value #DEAD_AT} (when, epoch ms), and the request id it came
 * with. It is published on the writer's publishing channel, never on the channel that delivered
 * it; the original delivery is acked once the broker confirmed the dead letter, and requeued for
 * another try if it did not. Counted in {@link Metrics#DEAD_LETTERED} by {@link Cause}.
 */
final class DeadLetters {
  static final String ERROR = "x-locus-error";
  static final String SHARD = "x-locus-shard";
  static final String TRIES = "x-locus-tries";
  static final String DEAD_AT = "x-locus-dead-ms";
  private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

  /** Why an operation was dead-lettered, a tag of {@link Metrics#DEAD_LETTERED}. */
  enum Cause {
    /** It does not parse. */
    MALFORMED,
    /** Writing it kept failing, for a reason that does not go away by itself. */
    POISON,
    /** Its layer does not exist (deleted before the operation was applied). */
    LAYER_GONE;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final ConfirmedPublisher publisher;
  private final QueueTopology topology;
  private final Deliveries deliveries;
  private final Map<Cause, Counter> sent = new HashMap<>();

  DeadLetters(ConfirmedPublisher publisher, QueueTopology topology, Deliveries deliveries) {
    this.publisher = publisher;
    this.topology = topology;
    this.deliveries = deliveries;
    for (Cause cause : Cause.values()) {
      sent.put(cause, Metrics.registry().counter(Metrics.DEAD_LETTERED, "cause", cause.tag()));
    }
  }

  /** Dead-letters a whole delivery (one that does not parse), then acks it; requeues it if the broker did not confirm. */
  void send(int shard, RabbitMQMessage message, Deliveries.Delivery delivery, Cause cause, String reason, int tries) {
    Object requestId = Deliveries.header(message, RequestIds.HEADER);
    LOG.atError()
        .addKeyValue("requestId", requestId)
        .log("dead-lettering a message of shard {} ({}, after {} tries): {}", shard, cause.tag(), tries, reason);
    publisher
        .publish(topology.deadLetterExchange(), "", properties(shard, reason, tries, requestId), message.body())
        .onSuccess(
            v -> {
              sent.get(cause).increment();
              deliveries.ack(delivery);
            })
        .onFailure(
            failure -> {
              LOG.warn("could not dead-letter; requeued for another try: {}", failure.getMessage());
              deliveries.requeue(delivery);
            });
  }

  /**
   * Dead-letters one operation of a delivery, alone, as JSON (as {@code locus dead-letters}
   * redrives it); completes once the broker confirmed it. The delivery is its caller's to settle.
   */
  Future<Void> send(int shard, ShardMessage.Entry entry, Cause cause, String reason, int tries) {
    LOG.atError()
        .addKeyValue("requestId", entry.requestId())
        .log("dead-lettering an operation of shard {} ({}, after {} tries): {}", shard, cause.tag(), tries, reason);
    return publisher
        .publish(topology.deadLetterExchange(), "", properties(shard, reason, tries, entry.requestId()), entry.op().toJson().toBuffer())
        .onSuccess(v -> sent.get(cause).increment())
        .onFailure(failure -> LOG.warn("could not dead-letter; its delivery is requeued for another try: {}", failure.getMessage()));
  }

  /** The properties of a dead letter from {@code shard}, failed for {@code reason} after {@code tries}. */
  static AMQP.BasicProperties properties(int shard, String reason, int tries, Object requestId) {
    Map<String, Object> headers = new HashMap<>();
    headers.put(ERROR, String.valueOf(reason));
    headers.put(SHARD, shard);
    headers.put(TRIES, tries);
    headers.put(DEAD_AT, System.currentTimeMillis());
    if (requestId != null) {
      headers.put(RequestIds.HEADER, requestId);
    }
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .contentType("application/json")
        .headers(headers)
        .build();
  }
}
