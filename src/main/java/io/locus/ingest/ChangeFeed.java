package io.locus.ingest;

import com.rabbitmq.client.AMQP;
import io.locus.feed.ChangeEvent;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The writer's side of the change feed: publishes each change it applied to {@code
 * <prefix>.changes}, routed by its shard, persistent, and completes once the broker confirmed
 * it, so the writer acknowledges its shard message only after the change is on the feed. A
 * failure is a 503 the writer retries for as long as it takes, like a Cassandra outage: an
 * applied write whose change is not on the feed would leave the serving tier stale.
 */
final class ChangeFeed {
  /**
   * The header naming a change's layer, so that a consumer interested in some layers only (the
   * webhook fan-out) can pass over the others without parsing the change.
   */
  static final String LAYER_HEADER = "x-locus-layer";

  private static final AMQP.BasicProperties PROPERTIES =
      new AMQP.BasicProperties.Builder().deliveryMode(2).contentType("application/json").build();

  private final ConfirmedPublisher publisher;
  private final QueueTopology topology;

  ChangeFeed(ConfirmedPublisher publisher, QueueTopology topology) {
    this.publisher = publisher;
    this.topology = topology;
  }

  /** Publishes {@code changes} (none: nothing a reader sees changed) and completes once all are confirmed. */
  Future<Void> publish(List<ChangeEvent> changes) {
    if (changes.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> confirmed = new ArrayList<>(changes.size());
    for (ChangeEvent change : changes) {
      confirmed.add(
          publisher.publish(
              topology.changesExchange(),
              QueueTopology.routingKey(change.shard()),
              PROPERTIES.builder().headers(Map.of(LAYER_HEADER, change.layer())).build(),
              change.toBuffer()));
    }
    return Future.all(confirmed).mapEmpty();
  }
}
