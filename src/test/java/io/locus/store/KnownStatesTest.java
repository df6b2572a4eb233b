package io.locus.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("What a writer knows of its shards' records")
class KnownStatesTest {
  private static final long NOW = 1_800_000_000L;
  private static final RecordState LIVE = new RecordState(5, 42L, false, 1.0, 2.0, 0);

  @Test
  @DisplayName("a state remembered is known in its shard only, until forgotten")
  void rememberAndForget() {
    KnownStates known = new KnownStates(2, 10);
    known.remember(0, known.epoch(0), "layer", "a", LIVE);
    assertThat(known.get(0, "layer", "a", NOW)).isEqualTo(LIVE);
    assertThat(known.get(1, "layer", "a", NOW)).isNull();
    assertThat(known.get(0, "other", "a", NOW)).isNull();
    known.forget(0, "layer", "a");
    assertThat(known.get(0, "layer", "a", NOW)).isNull();
  }

  @Test
  @DisplayName("dropping a shard forgets its records, and a state from an operation begun before the drop is never used")
  void drop() {
    KnownStates known = new KnownStates(2, 10);
    known.remember(0, known.epoch(0), "layer", "a", LIVE);
    known.remember(1, known.epoch(1), "layer", "b", LIVE);
    long begun = known.epoch(0);
    known.dropShard(0);
    assertThat(known.get(0, "layer", "a", NOW)).isNull();
    assertThat(known.get(1, "layer", "b", NOW)).isEqualTo(LIVE);
    known.remember(0, begun, "layer", "c", LIVE);
    assertThat(known.get(0, "layer", "c", NOW)).isNull();
    known.remember(0, known.epoch(0), "layer", "c", LIVE);
    assertThat(known.get(0, "layer", "c", NOW)).isEqualTo(LIVE);
    known.dropAll();
    assertThat(known.get(0, "layer", "c", NOW)).isNull();
    assertThat(known.get(1, "layer", "b", NOW)).isNull();
  }

  @Test
  @DisplayName("deleted states are not kept, nor a state from its expiry second on")
  void deletedAndExpired() {
    KnownStates known = new KnownStates(1, 10);
    known.remember(0, known.epoch(0), "layer", "a", LIVE);
    known.remember(0, known.epoch(0), "layer", "a", new RecordState(6, null, true, null, null, 0));
    assertThat(known.get(0, "layer", "a", NOW)).isNull();
    RecordState expiring = new RecordState(5, 42L, false, 1.0, 2.0, NOW + 1);
    known.remember(0, known.epoch(0), "layer", "b", expiring);
    assertThat(known.get(0, "layer", "b", NOW)).isEqualTo(expiring);
    assertThat(known.get(0, "layer", "b", NOW + 1)).isNull();
  }

  @Test
  @DisplayName("a shard keeps at most its bound, forgetting the least recently used first")
  void bounded() {
    KnownStates known = new KnownStates(1, 3);
    for (String id : new String[] {"a", "b", "c"}) {
      known.remember(0, known.epoch(0), "layer", id, LIVE);
    }
    known.get(0, "layer", "a", NOW); // a is used again: b is now the least recently used
    known.remember(0, known.epoch(0), "layer", "d", LIVE);
    assertThat(known.size(0)).isEqualTo(3);
    assertThat(known.get(0, "layer", "b", NOW)).isNull();
    assertThat(known.get(0, "layer", "a", NOW)).isEqualTo(LIVE);
    assertThat(known.get(0, "layer", "c", NOW)).isEqualTo(LIVE);
    assertThat(known.get(0, "layer", "d", NOW)).isEqualTo(LIVE);
  }

  @Test
  @DisplayName("index partitions marked in a layer are known until the layer's purge forgets them")
  void partitions() {
    KnownStates known = new KnownStates(1, 2);
    assertThat(known.partitionMarked("layer", 7)).isFalse();
    known.partitionWasMarked("layer", 7);
    assertThat(known.partitionMarked("layer", 7)).isTrue();
    assertThat(known.partitionMarked("other", 7)).isFalse();
    known.forgetPartitions("layer");
    assertThat(known.partitionMarked("layer", 7)).isFalse();
  }
}
