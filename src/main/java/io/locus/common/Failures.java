package io.locus.common;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Failures that travel over the event bus carry an HTTP status (400–599) as their code, so the
 * HTTP edge can answer {@code {"code":…,"message":…}} with that status and nothing else.
 */
public final class Failures {
  private Failures() {}

  /**
   * The HTTP status a failure maps to: its own code when it carries one, 503 when the event bus
   * found no handler or timed out, 500 otherwise.
   */
  public static int statusOf(Throwable failure) {
    if (failure instanceof ReplyException) {
      ReplyException reply = (ReplyException) failure;
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
          && reply.failureCode() >= 400
          && reply.failureCode() <= 599) {
        return reply.failureCode();
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS
          || reply.failureType() == ReplyFailure.TIMEOUT) {
        return 503;
      }
    }
    return 500;
  }
}
