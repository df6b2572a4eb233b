package io.locus.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Group commit at the publisher: at most one message per shard awaits its confirm; what arrives
 * for the shard meanwhile waits, and goes out together in the next message when the confirm
 * comes. It is self-clocked: an idle shard sends an operation at once, with no added wait, and
 * the busier a shard the more each message carries (up to {@code maxOps} operations and about
 * {@code maxBytes}), so a burst costs the broker one confirmed quorum write per shard and round
 * trip instead of one per operation. Operations of a shard go out in the order they came, so
 * two writes of one record reach its queue in the order they were accepted. Each operation's
 * future completes with its message's confirm (or fails with it). Not thread-safe: use it from
 * one event-loop context.
 */
final class GroupCommit {
  /** Publishes one message of {@code ops} operations to {@code shard}, completing on its confirm. */
  @FunctionalInterface
  interface Send {
    Future<Void> send(int shard, Buffer message, int ops);
  }

  private record Waiting(Buffer entry, Promise<Void> confirmed) {}

  private final int maxOps;
  private final int maxBytes;
  private final Send send;
  private final List<ArrayDeque<Waiting>> waiting = new ArrayList<>();
  private final int[] inFlight;
  private int held;

  GroupCommit(int shards, int maxOps, int maxBytes, Send send) {
    if (maxOps < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("a message holds at least one operation");
    }
    this.maxOps = maxOps;
    this.maxBytes = maxBytes;
    this.send = send;
    this.inFlight = new int[shards];
    for (int shard = 0; shard < shards; shard++) {
      waiting.add(new ArrayDeque<>());
    }
  }

  /** Commits the encoded {@code entry} ({@link ShardMessage#entry}) to {@code shard}; completes once the broker confirmed it. */
  Future<Void> add(int shard, Buffer entry) {
    Promise<Void> confirmed = Promise.promise();
    waiting.get(shard).addLast(new Waiting(entry, confirmed));
    held++;
    flush(shard);
    return confirmed.future();
  }

  /** Operations not yet confirmed: waiting for their shard, or in a message awaiting its confirm. */
  int held() {
    return held;
  }

  private void flush(int shard) {
    ArrayDeque<Waiting> queue = waiting.get(shard);
    if (inFlight[shard] > 0 || queue.isEmpty()) {
      return;
    }
    List<Waiting> taken = new ArrayList<>();
    List<Buffer> entries = new ArrayList<>();
    int bytes = ShardMessage.HEADER_BYTES;
    while (!queue.isEmpty() && taken.size() < maxOps && (taken.isEmpty() || bytes + queue.peekFirst().entry().length() <= maxBytes)) {
      Waiting next = queue.removeFirst();
      bytes += next.entry().length();
      taken.add(next);
      entries.add(next.entry());
    }
    inFlight[shard] = taken.size();
    Future<Void> sent;
    try {
      sent = send.send(shard, ShardMessage.of(entries), taken.size());
    } catch (RuntimeException e) {
      sent = Future.failedFuture(e);
    }
    sent.onComplete(
        result -> {
          inFlight[shard] = 0;
          held -= taken.size();
          for (Waiting each : taken) {
            each.confirmed().handle(result);
          }
          flush(shard);
        });
  }
}
