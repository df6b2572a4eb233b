package io.locus.feed;

/**
 * A change as the change stream delivers it inside a node: the event and its offset in the
 * broker's stream of changes, which is what a client resumes from. Sent on the local event bus
 * only (see {@link LocalCodec}).
 *
 * @param offset the change's position in the stream; offsets grow with every change of every layer
 * @param change the change, or null for {@link #caughtUp}
 */
public record StreamedChange(long offset, ChangeEvent change) {
  /** The end of a replay: every change up to {@code offset} was delivered. */
  public static StreamedChange caughtUp(long offset) {
    return new StreamedChange(offset, null);
  }

  /** Whether this is the end of a replay rather than a change. */
  public boolean isCaughtUp() {
    return change == null;
  }
}
