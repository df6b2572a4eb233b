package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ShardConsumers: the order shards are subscribed in")
class ShardConsumersTest {
  @Test
  @DisplayName("starts at the given shard and wraps around")
  void wraps() {
    assertThat(ShardConsumers.order(2, 4)).containsExactly(2, 3, 0, 1);
    assertThat(ShardConsumers.order(0, 3)).containsExactly(0, 1, 2);
  }

  @Test
  @DisplayName("holds every shard exactly once, wherever it starts")
  void everyShardOnce() {
    for (int first = 0; first < 8; first++) {
      assertThat(ShardConsumers.order(first, 8)).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7);
    }
  }

  @Test
  @DisplayName("with one shard, is that shard")
  void single() {
    assertThat(ShardConsumers.order(0, 1)).containsExactly(0);
  }
}
