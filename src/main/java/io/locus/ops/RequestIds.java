package io.locus.ops;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every HTTP request an id: the client's {@code X-Request-Id} when it is a sane token,
 * else a new random one. It is echoed in the response, sent along as the {@value #HEADER}
 * header of event-bus messages and of the RabbitMQ messages a write becomes, and logged as
 * {@code requestId} wherever a request's work is logged, from the API to the writer.
 */
public final class RequestIds implements Handler<RoutingContext> {
  /** The HTTP, event-bus and AMQP header carrying the id. */
  public static final String HEADER = "x-request-id";

  private static final String KEY = "locus.requestId";
  private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : newId();
    ctx.put(KEY, id);
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The request's id (set by this handler, which runs first). */
  public static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    return id != null ? id : "-";
  }

  static String newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    return Long.toHexString(random.nextLong() | Long.MIN_VALUE) + Long.toHexString(random.nextLong() | Long.MIN_VALUE);
  }
}
