package io.locus.feed;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Joins a subscriber's replay of past changes to the live changes it receives meanwhile, so it
 * gets every change after its resume point once and in stream order. Live changes that arrive
 * while the replay runs are held (at most {@code maxHeld}); the replay ends when it reaches the
 * offset the node had delivered live when the replay began ({@link #until}), when it reaches
 * a held live change, or when the node says it caught up. Then the held changes not already
 * replayed follow, and live changes pass straight through, skipping any at or before the last
 * one delivered.
 *
 * <p>Not thread-safe: one subscriber's context calls it.
 *
 * @param <E> what is delivered for a change
 */
public final class CatchUp<E> {
  /** More live changes arrived during a replay than a subscriber may hold. */
  public static final class Overflow extends RuntimeException {
    Overflow(int held) {
      super("more than " + held + " changes arrived while the stream caught up");
    }
  }

  private record Held<E>(long offset, E event) {}

  private final Consumer<E> deliver;
  private final int maxHeld;
  private final ArrayDeque<Held<E>> held = new ArrayDeque<>();
  private long last;
  private long until = -1;
  private boolean replaying;

  /**
   * A subscriber that resumes after offset {@code after} (-1: from now, without a replay) and
   * delivers to {@code deliver}.
   */
  public CatchUp(long after, int maxHeld, Consumer<E> deliver) {
    this.last = after;
    this.replaying = after >= 0;
    this.maxHeld = maxHeld;
    this.deliver = deliver;
  }

  /** Whether the replay still runs. */
  public boolean replaying() {
    return replaying;
  }

  /** The offset of the last change delivered, or the resume point when none was yet. */
  public long last() {
    return last;
  }

  /**
   * The replay ends at {@code offset} (-1: unknown, the replay ends at the first held change).
   * Returns whether the replay is already over (nothing after the resume point to replay).
   */
  public boolean until(long offset) {
    until = offset;
    if (replaying && offset >= 0 && offset <= last) {
      finish();
    }
    return !replaying;
  }

  /** A live change. */
  public void live(long offset, E event) {
    if (replaying) {
      if (held.size() >= maxHeld) {
        throw new Overflow(maxHeld);
      }
      held.add(new Held<>(offset, event));
    } else if (offset > last) {
      last = offset;
      deliver.accept(event);
    }
  }

  /**
   * A replayed change ({@code event} null: a change of the stream this subscriber does not
   * get, which still moves the replay on). Returns whether the replay is over.
   */
  public boolean replayed(long offset, E event) {
    if (!replaying) {
      return true;
    }
    if (offset > last) {
      last = offset;
      if (event != null) {
        deliver.accept(event);
      }
    }
    if ((until >= 0 && offset >= until) || (!held.isEmpty() && offset >= held.peekFirst().offset())) {
      finish();
    }
    return !replaying;
  }

  /** The node replayed everything up to {@code offset}. */
  public void caughtUp(long offset) {
    if (replaying) {
      last = Math.max(last, offset);
      finish();
    }
  }

  private void finish() {
    replaying = false;
    while (!held.isEmpty()) {
      Held<E> next = held.pollFirst();
      if (next.offset() > last) {
        last = next.offset();
        deliver.accept(next.event());
      }
    }
  }
}
