package io.locus.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CatchUp joins a replay to the live changes: each change after the resume point once, in order")
class CatchUpTest {
  private final List<Long> delivered = new ArrayList<>();

  private CatchUp<Long> after(long offset) {
    return new CatchUp<>(offset, 3, delivered::add);
  }

  @Test
  @DisplayName("without a resume point, live changes pass straight through")
  void live() {
    CatchUp<Long> catchUp = after(-1);
    assertThat(catchUp.replaying()).isFalse();
    catchUp.live(5, 5L);
    catchUp.live(6, 6L);
    catchUp.live(6, 6L);
    assertThat(delivered).containsExactly(5L, 6L);
  }

  @Test
  @DisplayName("live changes during the replay wait, then follow it without repeats")
  void replayThenHeld() {
    CatchUp<Long> catchUp = after(10);
    catchUp.until(15);
    catchUp.live(14, 14L);
    catchUp.live(15, 15L);
    catchUp.live(16, 16L);
    assertThat(delivered).isEmpty();
    assertThat(catchUp.replayed(11, 11L)).isFalse();
    assertThat(catchUp.replayed(13, null)).isFalse();
    assertThat(catchUp.replayed(14, 14L)).isTrue();
    assertThat(delivered).containsExactly(11L, 14L, 15L, 16L);
    catchUp.live(16, 16L);
    catchUp.live(17, 17L);
    assertThat(delivered).containsExactly(11L, 14L, 15L, 16L, 17L);
  }

  @Test
  @DisplayName("the replay ends at the node's live point, or when the node says it caught up")
  void endsAtUntil() {
    CatchUp<Long> catchUp = after(10);
    catchUp.until(12);
    assertThat(catchUp.replayed(12, 12L)).isTrue();
    catchUp.live(13, 13L);
    assertThat(delivered).containsExactly(12L, 13L);

    delivered.clear();
    CatchUp<Long> quiet = after(20);
    quiet.until(25);
    quiet.caughtUp(25);
    assertThat(quiet.replaying()).isFalse();
    quiet.live(25, 25L);
    quiet.live(26, 26L);
    assertThat(delivered).containsExactly(26L);
  }

  @Test
  @DisplayName("a resume point at or past the node's live point needs no replay")
  void nothingToReplay() {
    CatchUp<Long> catchUp = after(30);
    catchUp.live(31, 31L);
    assertThat(catchUp.until(30)).isTrue();
    assertThat(delivered).containsExactly(31L);
  }

  @Test
  @DisplayName("with the node's live point unknown, the replay ends where it meets the first held change")
  void unknownUntil() {
    CatchUp<Long> catchUp = after(40);
    assertThat(catchUp.until(-1)).isFalse();
    assertThat(catchUp.replayed(41, 41L)).isFalse();
    catchUp.live(43, 43L);
    assertThat(catchUp.replayed(42, 42L)).isFalse();
    assertThat(catchUp.replayed(43, 43L)).isTrue();
    assertThat(delivered).containsExactly(41L, 42L, 43L);
  }

  @Test
  @DisplayName("holding more live changes than allowed fails the subscriber")
  void overflow() {
    CatchUp<Long> catchUp = after(50);
    catchUp.live(51, 51L);
    catchUp.live(52, 52L);
    catchUp.live(53, 53L);
    assertThatThrownBy(() -> catchUp.live(54, 54L)).isInstanceOf(CatchUp.Overflow.class);
  }
}
