package io.locus.ingest;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the shard queues of earlier releases ({@link QueueTopology#legacyShardQueue}) that still
 * exist, so that writers drain them: they were declared with a broker delivery limit, which
 * cannot be taken off a queue, so writes now go to new queues and the old ones are only read.
 * Asked on a connection of its own: asking for a queue that does not exist closes the channel.
 */
final class LegacyShardQueues {
  private static final Logger LOG = LoggerFactory.getLogger(LegacyShardQueues.class);

  private LegacyShardQueues() {}

  /** The shards whose legacy queue exists (empty or not). */
  static Future<Set<Integer>> existing(Vertx vertx, RabbitSettings settings, QueueTopology topology) {
    RabbitMQClient client = RabbitMQClient.create(vertx, settings.clientOptions());
    Set<Integer> found = new TreeSet<>();
    List<Long> held = new ArrayList<>();
    Future<Void> asked = client.start();
    for (int shard = 0; shard < topology.shards(); shard++) {
      int n = shard;
      asked =
          asked.compose(
              v ->
                  client
                      .messageCount(topology.legacyShardQueue(n))
                      .map(
                          count -> {
                            found.add(n);
                            held.add(count);
                            return (Void) null;
                          })
                      .recover(absent -> Future.succeededFuture()));
    }
    return asked
        .map(
            v -> {
              if (!found.isEmpty()) {
                LOG.warn(
                    "legacy shard queues {}.shard.{{}} exist, holding {} messages: writers drain them; delete them once empty (docs/architecture.md)",
                    settings.namePrefix(),
                    found,
                    held.stream().mapToLong(Long::longValue).sum());
              }
              return (Set<Integer>) found;
            })
        .eventually(() -> client.stop());
  }
}
