package io.locus.record;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The write batch codec")
class WriteBatchCodecTest {
  private final WriteBatchCodec codec = new WriteBatchCodec();

  private static WriteBatch sample() {
    return new WriteBatch(
        List.of(
            new WriteOp(WriteOp.Kind.UPSERT, "layer.a", "id-é", 1_700_000_000_123_456L,
                new WriteOp.Upsert(-33.86, 151.21, "[151.21,-33.86]", 1_700_000_000L, "{\"n\":\"ü\",\"v\":1.10}", 0)),
            new WriteOp(WriteOp.Kind.DELETE, "layer.a", "gone", 42L, null),
            new WriteOp(WriteOp.Kind.PURGE_LAYER, "layer.b", null, 7L, null),
            WriteOp.expire("layer.a", "brief", 9L, new WriteOp.Upsert(1.5, 2.5, "[2.5,1.5]", 3L, "{}", 1_700_000_060L))));
  }

  @Test
  @DisplayName("sends every kind of operation between nodes unchanged, after whatever precedes it in the buffer")
  void wireRoundTrip() {
    Buffer wire = Buffer.buffer("prefix");
    codec.encodeToWire(wire, sample());
    assertThat(codec.decodeFromWire(6, wire)).isEqualTo(sample());
  }

  @Test
  @DisplayName("hands a batch to a local consumer as the same object, without copying")
  void localFastPath() {
    WriteBatch batch = sample();
    assertThat(codec.transform(batch)).isSameAs(batch);
  }
}
