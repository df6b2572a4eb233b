package io.locus.record;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import java.util.ArrayList;
import java.util.List;

/**
 * Event-bus codec of {@link WriteBatch}. Locally the batch is passed as is (it is immutable);
 * between nodes it travels in a compact binary form: a count, then each operation as {@link
 * WriteOpWire} writes it. Measured against sending the same batch as a
 * {@code JsonObject}, see docs/performance.md ("Event-bus codec").
 */
public final class WriteBatchCodec implements MessageCodec<WriteBatch, WriteBatch> {
  public static final String NAME = "locus.write-batch";

  @Override
  public void encodeToWire(Buffer buffer, WriteBatch batch) {
    buffer.appendInt(batch.ops().size());
    for (WriteOp op : batch.ops()) {
      WriteOpWire.write(buffer, op);
    }
  }

  @Override
  public WriteBatch decodeFromWire(int position, Buffer buffer) {
    int[] at = {position + 4};
    int count = buffer.getInt(position);
    List<WriteOp> ops = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ops.add(WriteOpWire.read(buffer, at));
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
}
