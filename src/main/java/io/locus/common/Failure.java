package io.locus.common;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The one failure type of Locus: an HTTP-shaped status (400–599) and a message the client may
 * read. It travels over the event bus as a {@link ReplyException} whose failure code is the
 * status ({@link #of} turns it back), so the HTTP edge answers {@code {"code":…,"message":…}}
 * with that status and nothing else. Anything that is not a {@code Failure} is a 500 whose
 * details stay in the log.
 */
public class Failure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  public Failure(int status, String message) {
    super(message, null, false, false);
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a failure status is 400–599, got " + status);
    }
    this.status = status;
  }

  /** The HTTP status to answer with. */
  public int status() {
    return status;
  }

  /** 400: client input that Locus refuses. */
  public static Failure badRequest(String message) {
    return new Failure(400, message);
  }

  /** 401: missing or failed credentials. */
  public static Failure unauthorized(String message) {
    return new Failure(401, message);
  }

  /** 403: the caller may see this but not change it. */
  public static Failure forbidden(String message) {
    return new Failure(403, message);
  }

  /** 404: something the client named does not exist (or is not theirs to see). */
  public static Failure notFound(String message) {
    return new Failure(404, message);
  }

  /** 409: the name is already taken. */
  public static Failure conflict(String message) {
    return new Failure(409, message);
  }

  /** 501: this node is not set up for the request (the message names the config key to set). */
  public static Failure notImplemented(String message) {
    return new Failure(501, message);
  }

  /** 503: a dependency is down or slow; the client may retry. */
  public static Failure unavailable(String message) {
    return new Failure(503, message);
  }

  /**
   * The failure as Locus answers it: itself when it is a {@code Failure}; the status and message
   * a handler on another verticle or node replied with; 503 when the event bus found no handler
   * or timed out; otherwise a 500 with a message that reveals nothing.
   */
  public static Failure of(Throwable cause) {
    if (cause instanceof Failure failure) {
      return failure;
    }
    if (cause instanceof ReplyException reply) {
      if (reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() >= 400 && reply.failureCode() <= 599) {
        return new Failure(reply.failureCode(), reply.getMessage());
      }
      if (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureType() == ReplyFailure.TIMEOUT) {
        return unavailable("service unavailable, retry later");
      }
    }
    return new Failure(500, "internal error");
  }

  /** The status {@link #of} gives. */
  public static int statusOf(Throwable cause) {
    return of(cause).status();
  }
}
