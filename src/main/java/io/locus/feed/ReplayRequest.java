package io.locus.feed;

/**
 * Asks a node's change stream to replay {@code layer}'s changes from offset {@code from} to the
 * local address {@code deliverTo}, as {@link StreamedChange}s ending with a {@link
 * StreamedChange#caughtUp}. The reply, once the replay has started, is the offset it ends at:
 * the last change the node had delivered live when it received the request, or -1 when it has
 * delivered none yet (the replay then runs until it is cancelled); replayed changes may come
 * before the reply. Sent on the local event bus only.
 */
public record ReplayRequest(String layer, long from, String deliverTo) {}
