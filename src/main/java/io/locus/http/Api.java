package io.locus.http;

import io.locus.common.Failure;
import io.locus.auth.OAuthHandler;
import io.locus.common.Addresses;
import io.locus.common.BusRequest;
import io.locus.common.Operation;
import io.locus.common.Presence;
import io.locus.common.RoleRequests;
import io.locus.layer.LayerRequests;
import io.locus.layer.RecentLayers;
import io.locus.record.WriteBatch;
import io.locus.common.RateLimited;
import io.locus.layer.LayerAccess;
import io.locus.ops.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every HTTP handler shares: event-bus requests, JSON answers, the one error format. */
final class Api {
  private static final Logger LOG = LoggerFactory.getLogger(Api.class);
  static final String JSON = "application/json; charset=utf-8";

  /** The content type of an HTML page. */
  static final String HTML = "text/html; charset=utf-8";
  private static final String SUFFIX = ".json";

  /** Most records in one page of any answer (history, searches). */
  static final int MAX_LIMIT = 500;

  private final Vertx vertx;
  private final HttpSettings settings;
  private final RecentLayers recentLayers;

  Api(Vertx vertx, HttpSettings settings) {
    this.vertx = vertx;
    this.recentLayers = new RecentLayers(vertx);
    this.settings = settings;
  }

  /** Largest request body accepted, in bytes. */
  int maxBodyBytes() {
    return settings.maxBodyBytes();
  }

  /** How far ahead of the server's clock a record's {@code created} may lie, in seconds ({@code http.createdSkewSeconds}). */
  long createdSkewSeconds() {
    return settings.createdSkewSeconds();
  }

  /** The GeoJSON file the map page draws beneath the records; empty when there is none. */
  String basemapFile() {
    return settings.basemapFile();
  }

  /** Answers with a file (a classpath resource when no such file exists), streamed off the event loop by Vert.x. */
  static void sendFile(RoutingContext ctx, String file, String contentType) {
    ctx.response().putHeader("Content-Type", contentType).sendFile(file).onFailure(ctx::fail);
  }

  /**
   * Sends {@code request} as {@code operation} with the request's id ({@code ctx} may be null for
   * work no request asked for). A handler on this node is preferred: when the node runs the role
   * itself the request never leaves the process; otherwise (an {@code api}-only node) it goes to
   * the cluster. Fails 503 when no handler answers within {@code http.requestTimeoutMs}.
   */
  <Q extends BusRequest> Future<JsonObject> ask(RoutingContext ctx, Operation<Q> operation, Q request) {
    return send(ctx, operation.address(), operation.action(), request.toJson(), Deadline.start(settings.requestTimeoutMs()));
  }

  /** Like {@link #ask}, waiting up to {@code timeoutMs} instead of {@code http.requestTimeoutMs}: for work that drains. */
  <Q extends BusRequest> Future<JsonObject> askWithin(RoutingContext ctx, Operation<Q> operation, Q request, long timeoutMs) {
    return send(ctx, operation.address(), operation.action(), request.toJson(), Deadline.start(timeoutMs));
  }

  /** The nodes of the cluster (this one alone when not clustered), as each announces itself. */
  Future<List<String>> nodes() {
    return Presence.members(vertx, RoleRequests.NODES);
  }

  /** Publishes {@code batch} durably: answers once the broker confirmed it, as {@link #ask} does. */
  Future<JsonObject> publish(RoutingContext ctx, WriteBatch batch) {
    return send(ctx, Addresses.PUBLISH, null, batch, Deadline.start(settings.requestTimeoutMs()));
  }

  /**
   * Like {@link #ask}, for requests that are safe to repeat (reads): when no handler answered
   * (none registered, the node holding it died, or it timed out), asks the cluster once more
   * with what is left of the same {@code http.requestTimeoutMs}, so the whole wait never exceeds
   * it; the event bus then picks another handler if there is one. Failures a handler reported
   * are final.
   */
  <Q extends BusRequest> Future<JsonObject> askRead(RoutingContext ctx, Operation<Q> operation, Q request) {
    Deadline deadline = Deadline.start(settings.requestTimeoutMs());
    JsonObject body = request.toJson();
    return send(ctx, operation.address(), operation.action(), body, deadline)
        .recover(
            cause ->
                unanswered(cause) && deadline.remainingMs() > 0
                    ? request(ctx, operation.address(), operation.action(), body, false, deadline)
                    : Future.failedFuture(cause));
  }

  private Future<JsonObject> send(RoutingContext ctx, String address, String action, Object body, Deadline deadline) {
    return request(ctx, address, action, body, true, deadline)
        .recover(
            cause ->
                cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
                    ? request(ctx, address, action, body, false, deadline)
                    : Future.failedFuture(cause));
  }

  private Future<JsonObject> request(
      RoutingContext ctx, String address, String action, Object body, boolean localOnly, Deadline deadline) {
    DeliveryOptions options =
        new DeliveryOptions().setSendTimeout(Math.max(1, deadline.remainingMs())).setLocalOnly(localOnly);
    if (action != null) {
      options.addHeader(Operation.HEADER, action);
    }
    if (ctx != null) {
      options.addHeader(RequestIds.HEADER, RequestIds.of(ctx));
    }
    return vertx.eventBus().<JsonObject>request(address, body, options).map(reply -> reply.body());
  }

  private static boolean unanswered(Throwable cause) {
    return !(cause instanceof ReplyException)
        || ((ReplyException) cause).failureType() != ReplyFailure.RECIPIENT_FAILURE;
  }

  /** The end of one request's wait for the event bus. */
  private record Deadline(long endNanos) {
    static Deadline start(long timeoutMs) {
      return new Deadline(System.nanoTime() + timeoutMs * 1_000_000);
    }

    long remainingMs() {
      return (endNanos - System.nanoTime()) / 1_000_000;
    }
  }

  /**
   * The layer (from the node's {@link RecentLayers} when read lately, else asked of the layer
   * verticles) when the request's consumer may do what it
   * needs with it; fails 404 when it is missing or invisible to the consumer, 403 when it is
   * someone else's public layer and the request writes.
   */
  Future<JsonObject> layerFor(RoutingContext ctx, String layer, LayerAccess.Need need) {
    return layerFor(ctx, OAuthHandler.consumer(ctx), layer, need);
  }

  /** As {@link #layerFor(RoutingContext, String, LayerAccess.Need)}, for {@code consumer} ({@code ctx} may be null). */
  Future<JsonObject> layerFor(RoutingContext ctx, String consumer, String layer, LayerAccess.Need need) {
    JsonObject recent = recentLayers.fresh(layer);
    return (recent != null ? Future.succeededFuture(recent) : askRead(ctx, LayerRequests.GET, new LayerRequests.Get(layer)))
        .map(found -> LayerAccess.check(found, consumer, need));
  }

  /** A path parameter without its optional {@code .json} suffix. */
  static String param(RoutingContext ctx, String name) {
    return withoutSuffix(ctx.pathParam(name));
  }

  /** {@code value} without its optional {@code .json} suffix (null stays null). */
  static String withoutSuffix(String value) {
    return value != null && value.endsWith(SUFFIX) ? value.substring(0, value.length() - SUFFIX.length()) : value;
  }

  /** An integer query parameter in [min, max], or {@code fallback} when absent. */
  static int intParam(RoutingContext ctx, String name, int fallback, int min, int max) {
    String raw = ctx.queryParams().get(name);
    if (raw == null || raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException notANumber) {
      // reported below
    }
    throw Failure.badRequest(name + " must be an integer between " + min + " and " + max);
  }

  /** Runs {@code work} on a worker thread: CPU work an event loop must not spend. */
  <T> Future<T> onWorker(java.util.concurrent.Callable<T> work) {
    return vertx.executeBlocking(work, false);
  }

  /** Base of the links in answers: the configured public URL, else the request's own host. */
  String baseUrl(RoutingContext ctx) {
    return baseUrl(ctx.request().getHeader("Host"));
  }

  /** As {@link #baseUrl(RoutingContext)}, for a request with the {@code Host} header {@code host} (may be null). */
  String baseUrl(String host) {
    if (!settings.publicBaseUrl().isEmpty()) {
      return settings.publicBaseUrl();
    }
    return "http://" + (host == null || host.isBlank() ? settings.host() + ":" + settings.port() : host);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
  }

  /** Completes the exchange with {@code body}, JSON already encoded. */
  static void json(RoutingContext ctx, int status, Buffer body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body);
  }

  /** Completes the exchange with {@code answer}, JSON already encoded, or routes its failure to {@link #failure}. */
  static void respondEncoded(RoutingContext ctx, int status, Future<Buffer> answer) {
    answer.onSuccess(body -> json(ctx, status, body)).onFailure(ctx::fail);
  }

  /** Completes the exchange with {@code answer} as JSON, or routes its failure to {@link #failure}. */
  static void respond(RoutingContext ctx, int status, Future<JsonObject> answer) {
    answer.onSuccess(body -> json(ctx, status, body)).onFailure(ctx::fail);
  }

  /**
   * The router's failure handler, the one place a failure becomes an HTTP answer: {@code
   * {"code":…,"message":…}} with the status of {@link Failure#of}, or the status the router set
   * when nothing was thrown (404, 405, 413, …; {@code fallbackStatus} when it set none). Only
   * 500s are logged, with their cause.
   */
  static void failure(RoutingContext ctx, int fallbackStatus) {
    Throwable cause = ctx.failure();
    Failure failure = failureOf(ctx, cause, fallbackStatus);
    int status = failure.status();
    if (status == 500) {
      LOG.atError()
          .addKeyValue("requestId", RequestIds.of(ctx))
          .setCause(cause)
          .log("{} {} failed", ctx.request().method(), ctx.request().path());
    }
    if (ctx.response().ended()) {
      return;
    }
    if (status == 401) {
      ctx.response()
          .putHeader(
              "WWW-Authenticate",
              ctx.request().path().startsWith(AdminHandlers.PREFIX) ? "Bearer realm=\"locus-admin\"" : "OAuth realm=\"Locus\"");
    } else if (cause instanceof RateLimited limited) {
      ctx.response().putHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
    }
    json(ctx, status, new JsonObject().put("code", status).put("message", failure.getMessage()));
  }

  /**
   * What failed, as Locus answers it: a {@link Failure} or a handler's reply as {@link
   * Failure#of} says; otherwise a 4xx status the router set (a bad Host, a path not starting
   * with {@code /}); otherwise, when the framework failed while still reading the request (a
   * body it cannot decode), a 400; anything else is a 500 of ours.
   */
  private static Failure failureOf(RoutingContext ctx, Throwable cause, int fallbackStatus) {
    if (cause instanceof Failure || cause instanceof ReplyException) {
      return Failure.of(cause);
    }
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : cause == null ? fallbackStatus : -1;
    if (status >= 400 && status <= 499) {
      return new Failure(status, defaultMessage(status));
    }
    if (cause != null && !MalformedRequests.read(ctx)) {
      return Failure.badRequest("malformed request: " + cause.getMessage());
    }
    return new Failure(status >= 500 && status <= 599 ? status : 500, defaultMessage(500));
  }

  static String defaultMessage(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "unauthorized";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      case 414 -> "request line too long";
      case 415 -> "unsupported media type";
      case 431 -> "request headers too large";
      default -> "internal error";
    };
  }
}
