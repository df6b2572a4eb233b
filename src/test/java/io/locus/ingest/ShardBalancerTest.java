package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("ShardBalancer: which shards each writer prefers")
class ShardBalancerTest {
  @Test
  @DisplayName("every shard is preferred by exactly one writer, and the shares differ by at most one")
  void partition() {
    List<String> writers = List.of("w-c", "w-a", "w-b");
    Set<Integer> seen = new HashSet<>();
    int smallest = Integer.MAX_VALUE;
    int largest = 0;
    for (String writer : writers) {
      Set<Integer> mine = ShardBalancer.preferred(writers, writer, 8);
      for (int shard : mine) {
        assertThat(seen.add(shard)).as("shard %d preferred twice", shard).isTrue();
      }
      smallest = Math.min(smallest, mine.size());
      largest = Math.max(largest, mine.size());
    }
    assertThat(seen).hasSize(8);
    assertThat(largest - smallest).isLessThanOrEqualTo(1);
  }

  @Test
  @DisplayName("every writer computes the same assignment whatever order it read the list in")
  void orderIndependent() {
    assertThat(ShardBalancer.preferred(List.of("b", "a"), "a", 4))
        .isEqualTo(ShardBalancer.preferred(List.of("a", "b"), "a", 4))
        .containsExactly(0, 2);
  }

  @Test
  @DisplayName("a lone writer prefers every shard; one missing from the list prefers none; more writers than shards leave some idle")
  void edges() {
    assertThat(ShardBalancer.preferred(List.of("a"), "a", 4)).containsExactly(0, 1, 2, 3);
    assertThat(ShardBalancer.preferred(List.of("a"), "b", 4)).isEmpty();
    assertThat(ShardBalancer.preferred(List.of("a", "b", "c"), "c", 2)).isEmpty();
  }
}
