package io.locus.http;

import io.locus.auth.OAuthHandler;
import io.locus.common.Addresses;
import io.locus.common.Failures;
import io.locus.common.InvalidInput;
import io.locus.common.NotFound;
import io.locus.common.RateLimited;
import io.locus.common.Refused;
import io.locus.layer.LayerAccess;
import io.locus.ops.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every HTTP handler shares: event-bus requests, JSON answers, the one error format. */
final class Api {
  private static final Logger LOG = LoggerFactory.getLogger(Api.class);
  private static final String JSON = "application/json; charset=utf-8";
  private static final String SUFFIX = ".json";

  /** Most records in one page of any answer (history, searches). */
  static final int MAX_LIMIT = 500;

  private final Vertx vertx;
  private final HttpSettings settings;

  Api(Vertx vertx, HttpSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** Largest request body accepted, in bytes. */
  int maxBodyBytes() {
    return settings.maxBodyBytes();
  }

  /**
   * Sends {@code body} to {@code address} with an {@code action} header (may be null) and the
   * request's id ({@code ctx} may be null for work no request asked for). A handler
   * on this node is preferred: when the node runs the role itself the request never leaves the
   * process; otherwise (an {@code api}-only node) it goes to the cluster.
   */
  Future<JsonObject> ask(RoutingContext ctx, String address, String action, Object body) {
    return request(ctx, address, action, body, true)
        .recover(
            cause ->
                cause instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
                    ? request(ctx, address, action, body, false)
                    : Future.failedFuture(cause));
  }

  private Future<JsonObject> request(
      RoutingContext ctx, String address, String action, Object body, boolean localOnly) {
    DeliveryOptions options =
        new DeliveryOptions().setSendTimeout(settings.requestTimeoutMs()).setLocalOnly(localOnly);
    if (action != null) {
      options.addHeader("action", action);
    }
    if (ctx != null) {
      options.addHeader(RequestIds.HEADER, RequestIds.of(ctx));
    }
    return vertx.eventBus().<JsonObject>request(address, body, options).map(reply -> reply.body());
  }

  /**
   * Like {@link #ask}, for requests that are safe to repeat (reads): when no handler answered
   * (none registered, the node holding it died, or it timed out), asks the cluster once more;
   * the event bus then picks another handler if there is one. Failures a handler reported are
   * final.
   */
  Future<JsonObject> askRead(RoutingContext ctx, String address, String action, JsonObject body) {
    return ask(ctx, address, action, body)
        .recover(cause -> unanswered(cause) ? request(ctx, address, action, body, false) : Future.failedFuture(cause));
  }

  private static boolean unanswered(Throwable cause) {
    return !(cause instanceof ReplyException)
        || ((ReplyException) cause).failureType() != ReplyFailure.RECIPIENT_FAILURE;
  }

  /**
   * The layer (from the layer verticle's cache) when the request's consumer may do what it
   * needs with it; fails 404 when it is missing or invisible to the consumer, 403 when it is
   * someone else's public layer and the request writes.
   */
  Future<JsonObject> layerFor(RoutingContext ctx, String layer, LayerAccess.Need need) {
    String consumer = OAuthHandler.consumer(ctx);
    return askRead(ctx, Addresses.LAYERS, "get", new JsonObject().put("name", layer))
        .map(found -> LayerAccess.check(found, consumer, need));
  }

  /** A path parameter without its optional {@code .json} suffix. */
  static String param(RoutingContext ctx, String name) {
    String value = ctx.pathParam(name);
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
    throw new InvalidInput(name + " must be an integer between " + min + " and " + max);
  }

  /** Base of the links in answers: the configured public URL, else the request's own host. */
  String baseUrl(RoutingContext ctx) {
    if (!settings.publicBaseUrl().isEmpty()) {
      return settings.publicBaseUrl();
    }
    String host = ctx.request().getHeader("Host");
    return "http://" + (host == null || host.isBlank() ? settings.host() + ":" + settings.port() : host);
  }

  static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
  }

  /** Completes the exchange with {@code answer} as JSON, or routes its failure to {@link #failure}. */
  static void respond(RoutingContext ctx, int status, Future<JsonObject> answer) {
    answer.onSuccess(body -> json(ctx, status, body)).onFailure(ctx::fail);
  }

  /** The router's failure handler: {@code {"code":…,"message":…}} with the matching status. */
  static void failure(RoutingContext ctx) {
    Throwable cause = ctx.failure();
    int status;
    String message;
    if (cause == null) {
      status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      message = defaultMessage(status);
    } else if (cause instanceof InvalidInput) {
      status = 400;
      message = cause.getMessage();
    } else if (cause instanceof NotFound) {
      status = 404;
      message = cause.getMessage();
    } else if (cause instanceof Refused refused) {
      status = refused.status();
      message = cause.getMessage();
    } else {
      status = Failures.statusOf(cause);
      message = status == 500 ? "internal error" : cause.getMessage();
      if (status == 503 && message == null) {
        message = "service unavailable, retry later";
      }
    }
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
    } else if (status == 429) {
      long retryAfter = cause instanceof RateLimited limited ? limited.retryAfterSeconds() : 1;
      ctx.response().putHeader("Retry-After", String.valueOf(retryAfter));
    }
    json(ctx, status, new JsonObject().put("code", status).put("message", message));
  }

  static String defaultMessage(int status) {
    return switch (status) {
      case 400 -> "bad request";
      case 401 -> "unauthorized";
      case 404 -> "not found";
      case 405 -> "method not allowed";
      case 413 -> "request body too large";
      case 415 -> "unsupported media type";
      default -> "error";
    };
  }
}
