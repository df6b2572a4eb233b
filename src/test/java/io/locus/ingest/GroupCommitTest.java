package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.record.WriteOp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Group commit: one message per shard awaits its confirm; what comes meanwhile goes out together next, in order")
class GroupCommitTest {
  /** A message sent, and its confirm, settled by the test. */
  private record Sent(int shard, List<ShardMessage.Entry> entries, Promise<Void> confirm) {}

  private final List<Sent> sent = new ArrayList<>();

  private GroupCommit commits(int maxOps, int maxBytes) {
    return new GroupCommit(
        2,
        maxOps,
        maxBytes,
        (shard, message, ops) -> {
          List<ShardMessage.Entry> entries = ShardMessage.read(message);
          assertThat(entries).hasSize(ops);
          Promise<Void> confirm = Promise.promise();
          sent.add(new Sent(shard, entries, confirm));
          return confirm.future();
        });
  }

  private static Buffer entry(String id) {
    return ShardMessage.entry(WriteOp.delete("layer", id, 1L), "req-" + id);
  }

  private static List<String> ids(Sent message) {
    return message.entries().stream().map(e -> e.op().id()).toList();
  }

  @Test
  @DisplayName("an idle shard sends at once; while its message awaits the confirm, the next ones wait and then go as one")
  void selfClocked() {
    GroupCommit commits = commits(100, 1 << 20);
    Future<Void> first = commits.add(0, entry("a"));
    assertThat(sent).hasSize(1);
    Future<Void> second = commits.add(0, entry("b"));
    Future<Void> third = commits.add(0, entry("c"));
    Future<Void> otherShard = commits.add(1, entry("x"));
    assertThat(sent).hasSize(2).extracting(Sent::shard).containsExactly(0, 1);
    assertThat(commits.held()).isEqualTo(4);
    assertThat(second.isComplete()).isFalse();

    sent.get(0).confirm().complete();
    assertThat(first.succeeded()).isTrue();
    assertThat(sent).hasSize(3);
    assertThat(ids(sent.get(2))).containsExactly("b", "c");
    assertThat(second.isComplete()).isFalse();
    sent.get(2).confirm().complete();
    assertThat(second.succeeded()).isTrue();
    assertThat(third.succeeded()).isTrue();
    assertThat(otherShard.isComplete()).isFalse();
    sent.get(1).confirm().complete();
    assertThat(commits.held()).isZero();
  }

  @Test
  @DisplayName("a message carries at most maxOps operations and about maxBytes, never none")
  void bounded() {
    int oneEntry = entry("a").length();
    GroupCommit commits = commits(3, ShardMessage.HEADER_BYTES + 2 * oneEntry);
    commits.add(0, entry("a"));
    for (String id : List.of("b", "c", "d", "e", "f")) {
      commits.add(0, entry(id));
    }
    sent.get(0).confirm().complete();
    assertThat(ids(sent.get(1))).containsExactly("b", "c");
    sent.get(1).confirm().complete();
    assertThat(ids(sent.get(2))).containsExactly("d", "e");

    GroupCommit byCount = commits(3, 1 << 20);
    sent.clear();
    byCount.add(1, entry("a"));
    for (String id : List.of("b", "c", "d", "e")) {
      byCount.add(1, entry(id));
    }
    sent.get(0).confirm().complete();
    assertThat(ids(sent.get(1))).containsExactly("b", "c", "d");

    GroupCommit tiny = commits(3, 1);
    sent.clear();
    tiny.add(0, entry("alone"));
    assertThat(ids(sent.get(0))).containsExactly("alone");
  }

  @Test
  @DisplayName("a message not confirmed fails each of its operations, and the next message still goes")
  void failure() {
    GroupCommit commits = commits(100, 1 << 20);
    Future<Void> first = commits.add(0, entry("a"));
    Future<Void> second = commits.add(0, entry("b"));
    sent.get(0).confirm().fail("no confirm");
    assertThat(first.failed()).isTrue();
    assertThat(second.isComplete()).isFalse();
    assertThat(ids(sent.get(1))).containsExactly("b");
    sent.get(1).confirm().complete();
    assertThat(second.succeeded()).isTrue();
    assertThat(commits.held()).isZero();
  }
}
