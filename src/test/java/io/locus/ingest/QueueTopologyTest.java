package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("QueueTopology")
class QueueTopologyTest {

  private static QueueTopology topology(int shards) {
    return new QueueTopology(
        new RabbitSettings("127.0.0.1", 5672, "guest", "guest", "/", "locus.records", shards, 64, 1500, 1000, 3600, 1024));
  }

  @Test
  @DisplayName("the same record maps to the same shard on every call and every instance")
  void stable() {
    QueueTopology one = topology(8);
    QueueTopology two = topology(8);
    Random random = new Random(7);
    for (int i = 0; i < 1000; i++) {
      String id = Long.toHexString(random.nextLong());
      int shard = one.shardOf("places", id);
      assertThat(one.shardOf("places", id)).isEqualTo(shard);
      assertThat(two.shardOf("places", id)).isEqualTo(shard);
    }
  }

  @ParameterizedTest(name = "{0}/{1} -> shard {2}")
  @CsvSource({"places, 1, 6", "places, rec-42, 3", "restaurants, a, 7", "x, y, 6"})
  @DisplayName("known records keep their shard of 8, so routing never changes across releases")
  void pinned(String layer, String id, int shard) {
    assertThat(topology(8).shardOf(layer, id)).isEqualTo(shard);
  }

  @ParameterizedTest(name = "{0} shards")
  @ValueSource(ints = {1, 2, 3, 7, 8, 1024})
  @DisplayName("the shard is always between 0 and shards - 1")
  void inRange(int shards) {
    QueueTopology topology = topology(shards);
    Random random = new Random(shards);
    String[] odd = {"", "a", "\u0000", "\uffff", "x".repeat(256), "-1", "Aa", "BB"};
    for (String id : odd) {
      assertThat(topology.shardOf("l", id)).isBetween(0, shards - 1);
    }
    for (int i = 0; i < 5000; i++) {
      assertThat(topology.shardOf("layer" + random.nextInt(10), Integer.toString(random.nextInt())))
          .isBetween(0, shards - 1);
    }
  }

  @Test
  @DisplayName("10,000 random ids spread over 8 shards with none below half its fair share")
  void spreads() {
    QueueTopology topology = topology(8);
    Random random = new Random(20240601L);
    int[] counts = new int[8];
    for (int i = 0; i < 10_000; i++) {
      counts[topology.shardOf("places", new UUID(random.nextLong(), random.nextLong()).toString())]++;
    }
    for (int shard = 0; shard < 8; shard++) {
      assertThat(counts[shard]).as("records on shard %d", shard).isGreaterThanOrEqualTo(10_000 / 8 / 2);
    }
  }

  @Test
  @DisplayName("10,000 sequential ids also spread over 8 shards with none below half its fair share")
  void spreadsSequential() {
    QueueTopology topology = topology(8);
    int[] counts = new int[8];
    for (int i = 0; i < 10_000; i++) {
      counts[topology.shardOf("places", "rec-" + i)]++;
    }
    for (int shard = 0; shard < 8; shard++) {
      assertThat(counts[shard]).as("records on shard %d", shard).isGreaterThanOrEqualTo(625);
    }
  }

  @Test
  @DisplayName("queue, exchange and routing names derive from the prefix and shard number")
  void names() {
    QueueTopology topology = topology(8);
    assertThat(topology.exchange()).isEqualTo("locus.records.writes");
    assertThat(topology.shardQueue(3)).isEqualTo("locus.records.writes.3");
    assertThat(topology.legacyShardQueue(3)).isEqualTo("locus.records.shard.3");
    assertThat(topology.deadLetterExchange()).isEqualTo("locus.records.dead");
    assertThat(topology.deadLetterQueue()).isEqualTo("locus.records.dead");
    assertThat(QueueTopology.routingKey(5)).isEqualTo("5");
    assertThat(topology.shards()).isEqualTo(8);
  }
}
