package io.locus.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RecentChanges passes a repeated change over, and only a repeat")
class RecentChangesTest {
  private static Buffer enter(String record, long ts) {
    return ChangeEvent.fenced(ChangeEvent.Kind.ENTER, "zone", upsert(record, ts)).toBuffer();
  }

  private static ChangeEvent upsert(String record, long ts) {
    return ChangeEvent.fromBuffer(
        Buffer.buffer(
            "{\"v\":1,\"kind\":\"upsert\",\"layer\":\"l\",\"id\":\"" + record + "\",\"ts\":" + ts
                + ",\"shard\":0,\"state\":{\"lat\":1.0,\"lon\":2.0,\"coordinates\":[2.0,1.0],\"created\":1,\"properties\":{}}}"));
  }

  @Test
  @DisplayName("a second copy of a change (the same body, published again) is not passed on")
  void repeat() {
    RecentChanges recent = new RecentChanges(8);
    assertThat(recent.firstTime(enter("a", 1))).isTrue();
    assertThat(recent.firstTime(upsert("a", 1).toBuffer())).isTrue();
    assertThat(recent.firstTime(enter("a", 1))).isFalse();
  }

  @Test
  @DisplayName("changes that differ in any part (record, time) are all passed on")
  void different() {
    RecentChanges recent = new RecentChanges(8);
    assertThat(recent.firstTime(enter("a", 1))).isTrue();
    assertThat(recent.firstTime(enter("b", 1))).isTrue();
    assertThat(recent.firstTime(enter("a", 2))).isTrue();
  }

  @Test
  @DisplayName("only the last bodies are kept: memory stays bounded")
  void bounded() {
    RecentChanges recent = new RecentChanges(2);
    recent.firstTime(enter("a", 1));
    recent.firstTime(enter("b", 1));
    recent.firstTime(enter("c", 1));
    assertThat(recent.firstTime(enter("a", 1))).isTrue();
    assertThat(recent.firstTime(enter("c", 1))).isFalse();
    assertThatThrownBy(() -> new RecentChanges(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
