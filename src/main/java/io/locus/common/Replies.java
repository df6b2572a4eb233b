package io.locus.common;

import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.servererrors.QueryExecutionException;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns a failure met while serving an event-bus request into an HTTP-shaped failure code. */
public final class Replies {
  private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

  private Replies() {}

  public static void fail(Message<?> request, Throwable cause) {
    if (cause instanceof InvalidInput) {
      request.fail(400, cause.getMessage());
    } else if (cause instanceof NotFound) {
      request.fail(404, cause.getMessage());
    } else if (cause instanceof Refused refused) {
      request.fail(refused.status(), cause.getMessage());
    } else if (cause instanceof ReplyException && Failures.statusOf(cause) != 500) {
      request.fail(Failures.statusOf(cause), cause.getMessage());
    } else if (isStoreUnavailable(cause)) {
      request.fail(503, "storage unavailable, retry later");
    } else {
      LOG.error("request on {} failed", request.address(), cause);
      request.fail(500, "internal error");
    }
  }

  /** Whether Cassandra could not be reached or did not answer in time (a transient failure). */
  public static boolean isStoreUnavailable(Throwable cause) {
    return cause instanceof AllNodesFailedException
        || cause instanceof NoNodeAvailableException
        || cause instanceof DriverTimeoutException
        || cause instanceof QueryExecutionException
        || cause instanceof IllegalStateException && String.valueOf(cause.getMessage()).contains("closed");
  }
}
