package io.locus.record;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Event-bus codec of {@link WriteBatch}. Locally the batch is passed as is (it is immutable);
 * between nodes it travels in a compact binary form: per operation a kind byte, the layer, the
 * id, the timestamp and, for an upsert, its state. Measured against sending the same batch as a
 * {@code JsonObject}, see docs/performance.md ("Event-bus codec").
 */
public final class WriteBatchCodec implements MessageCodec<WriteBatch, WriteBatch> {
  public static final String NAME = "locus.write-batch";

  @Override
  public void encodeToWire(Buffer buffer, WriteBatch batch) {
    buffer.appendInt(batch.ops().size());
    for (WriteOp op : batch.ops()) {
      buffer.appendByte((byte) op.kind().ordinal());
      text(buffer, op.layer());
      text(buffer, op.id() == null ? "" : op.id());
      buffer.appendLong(op.ts());
      if (op.upsert() != null) {
        WriteOp.Upsert state = op.upsert();
        buffer.appendDouble(state.lat()).appendDouble(state.lon()).appendLong(state.created()).appendLong(state.expires());
        text(buffer, state.coordinates());
        text(buffer, state.properties());
      }
    }
  }

  @Override
  public WriteBatch decodeFromWire(int position, Buffer buffer) {
    int[] at = {position};
    int count = buffer.getInt(at[0]);
    at[0] += 4;
    List<WriteOp> ops = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      WriteOp.Kind kind = WriteOp.Kind.values()[buffer.getByte(at[0]++)];
      String layer = text(buffer, at);
      String id = text(buffer, at);
      long ts = buffer.getLong(at[0]);
      at[0] += 8;
      WriteOp.Upsert state = null;
      if (kind == WriteOp.Kind.UPSERT || kind == WriteOp.Kind.EXPIRE) {
        double lat = buffer.getDouble(at[0]);
        double lon = buffer.getDouble(at[0] + 8);
        long created = buffer.getLong(at[0] + 16);
        long expires = buffer.getLong(at[0] + 24);
        at[0] += 32;
        state = new WriteOp.Upsert(lat, lon, text(buffer, at), created, text(buffer, at), expires);
      }
      ops.add(new WriteOp(kind, layer, id.isEmpty() ? null : id, ts, state));
    }
    return new WriteBatch(ops);
  }

  @Override
  public WriteBatch transform(WriteBatch batch) {
    return batch;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }

  private static void text(Buffer buffer, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    buffer.appendInt(bytes.length).appendBytes(bytes);
  }

  private static String text(Buffer buffer, int[] at) {
    int length = buffer.getInt(at[0]);
    String value = buffer.getString(at[0] + 4, at[0] + 4 + length, "UTF-8");
    at[0] += 4 + length;
    return value;
  }
}
