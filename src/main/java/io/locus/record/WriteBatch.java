package io.locus.record;

import java.util.List;

/**
 * The operations of one client request, sent to {@link PublisherVerticle} over the event bus.
 * Immutable, so a node delivers it to itself without a copy (see {@link WriteBatchCodec}).
 */
public record WriteBatch(List<WriteOp> ops) {
  public WriteBatch {
    ops = List.copyOf(ops);
  }
}
