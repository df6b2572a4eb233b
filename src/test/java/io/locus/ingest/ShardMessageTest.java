package io.locus.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.locus.common.Failure;
import io.locus.record.WriteOp;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A shard message carries several operations, each with its request id; a corrupt one is poison, never an index error")
class ShardMessageTest {
  private static final List<ShardMessage.Entry> ENTRIES =
      List.of(
          new ShardMessage.Entry(
              new WriteOp(WriteOp.Kind.UPSERT, "layer.a", "id-é", 1_700_000_000_123_456L,
                  new WriteOp.Upsert(-33.86, 151.21, "[151.21,-33.86]", 1_700_000_000L, "{\"n\":\"ü\"}", 0)),
              "req-1"),
          new ShardMessage.Entry(WriteOp.delete("layer.a", "gone", 42L), "req-2"),
          new ShardMessage.Entry(WriteOp.purgeLayer("layer.b", 7L), "-"),
          new ShardMessage.Entry(
              WriteOp.expire("layer.a", "brief", 9L, new WriteOp.Upsert(1.5, 2.5, "[2.5,1.5]", 3L, "{}", 1_700_000_060L)), "req-3"));

  private static Buffer message() {
    List<Buffer> encoded = new ArrayList<>();
    ENTRIES.forEach(entry -> encoded.add(ShardMessage.entry(entry.op(), entry.requestId())));
    return ShardMessage.of(encoded);
  }

  @Test
  @DisplayName("every kind of operation reads back as written, in order, with its request id")
  void roundTrip() {
    assertThat(ShardMessage.read(message())).isEqualTo(ENTRIES);
  }

  @Test
  @DisplayName("a message cut short anywhere, or with bytes after its operations, is a 400")
  void truncated() {
    Buffer whole = message();
    for (int length = 0; length < whole.length(); length++) {
      Buffer cut = whole.getBuffer(0, length);
      assertThatThrownBy(() -> ShardMessage.read(cut)).as("cut at %d", length).isInstanceOf(Failure.class)
          .satisfies(e -> assertThat(Failure.statusOf(e)).isEqualTo(400));
    }
    assertThatThrownBy(() -> ShardMessage.read(message().appendByte((byte) 0))).isInstanceOf(Failure.class).hasMessageContaining("after its");
  }

  @Test
  @DisplayName("an unknown version, kind, or a count or length out of bounds is a 400")
  void corrupt() {
    Buffer version = message();
    version.setByte(1, (byte) 9);
    assertThatThrownBy(() -> ShardMessage.read(version)).isInstanceOf(Failure.class).hasMessageContaining("version 9");
    Buffer count = message();
    count.setInt(2, Integer.MAX_VALUE);
    assertThatThrownBy(() -> ShardMessage.read(count)).isInstanceOf(Failure.class);
    Buffer negative = message();
    negative.setInt(ShardMessage.HEADER_BYTES, -5);
    assertThatThrownBy(() -> ShardMessage.read(negative)).isInstanceOf(Failure.class).hasMessageContaining("-5 bytes");
    Buffer kind = message();
    kind.setByte(ShardMessage.HEADER_BYTES + 4 + "req-1".length(), (byte) 'Z');
    assertThatThrownBy(() -> ShardMessage.read(kind)).isInstanceOf(Failure.class).hasMessageContaining("unknown kind");
    assertThatThrownBy(() -> ShardMessage.read(Buffer.buffer("{\"op\":\"upsert\"}"))).isInstanceOf(Failure.class);
  }
}
