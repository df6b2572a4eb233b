package io.locus.ingest;

import io.locus.support.Broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.support.Eventually;
import io.locus.support.TestNode;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Writers share the shard queues: two writers are each active on half of them")
class ShardBalanceIT {
  private static final String PREFIX = TestNode.PREFIX + ".balance";

  @Test
  void twoWritersSplitTheShards() {
    Map<String, String> env =
        Map.of("LOCUS_RABBITMQ_NAME_PREFIX", PREFIX, "LOCUS_INSTANCES_WRITER", "2", "LOCUS_RABBITMQ_SHARDS", "4");
    try (TestNode node = TestNode.start(env)) {
      // The writers' first subscriptions split the queues at random; the balancer evens them out.
      Eventually.await(Duration.ofSeconds(30), ShardBalanceIT::activeConsumers, ShardBalanceIT::evenlySplit);

      // After the hand-over, writes still go through on every shard.
      String layer = node.http.newLayer("it.balance.");
      for (int i = 0; i < 16; i++) {
        String body = "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[" + i + ",1]}}";
        assertThat(node.http.put("/0.1/records/" + layer + "/r" + i + ".json", body).status()).isEqualTo(202);
      }
      for (int i = 0; i < 16; i++) {
        node.http.awaitStatus("/0.1/records/" + layer + "/r" + i + ".json", 200);
      }
    }
  }

  /** Every shard queue has an active consumer, and each of two channels is active on two of them. */
  private static boolean evenlySplit(Map<String, String> activeByQueue) {
    Map<String, Long> queuesPerChannel =
        activeByQueue.values().stream().collect(Collectors.groupingBy(channel -> channel, Collectors.counting()));
    return activeByQueue.size() == 4
        && queuesPerChannel.size() == 2
        && queuesPerChannel.values().stream().allMatch(queues -> queues == 2);
  }

  /** Shard queue → the channel of its active consumer, from the broker's own list. */
  private static Map<String, String> activeConsumers() {
    Map<String, String> byQueue = new HashMap<>();
    for (String line : Broker.rabbitmqctl("list_consumers", "queue_name", "channel_pid", "active", "--quiet").split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 3 && fields[0].startsWith(PREFIX + ".writes.") && fields[2].equals("true")) {
        byQueue.put(fields[0], fields[1]);
      }
    }
    return byQueue;
  }
}
