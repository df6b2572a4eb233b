package io.locus.feed;

import io.vertx.core.buffer.Buffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bodies of the last changes a reader of the change stream passed on, so that it passes a
 * repeat over. The feed is at-least-once: a publish whose confirm came late is published again
 * (a writer retrying its delivery, the fence fan-out retrying a change), and both copies reach
 * the stream. A repeat is byte for byte the same message, since a change's body is a function
 * of the change (its record, kind, fence and timestamp, and the record's state); two different
 * changes never share a body. Not thread-safe: use it from one event-loop context.
 */
public final class RecentChanges {
  /** Enough for the repeats seen in practice, which follow their first copy within seconds. */
  public static final int DEFAULT_KEPT = 4_096;

  private final Map<Buffer, Boolean> seen;

  /** Remembers the last {@code kept} bodies. */
  public RecentChanges(int kept) {
    if (kept < 1) {
      throw new IllegalArgumentException("kept must be positive, was " + kept);
    }
    this.seen =
        new LinkedHashMap<>(Math.min(kept, 1_024) * 2, 0.75f) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Buffer, Boolean> eldest) {
            return size() > kept;
          }
        };
  }

  /** Whether {@code body} is new among the last bodies seen; it counts as seen from now on. */
  public boolean firstTime(Buffer body) {
    return seen.putIfAbsent(body, Boolean.TRUE) == null;
  }
}
