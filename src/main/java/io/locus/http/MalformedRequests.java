package io.locus.http;

import io.locus.common.Failure;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.locus.ops.RequestIds;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Requests too broken for the router, answered with the same JSON errors as everything else:
 * a request line over {@link #MAX_REQUEST_LINE} characters is 414, headers over {@link
 * #MAX_HEADERS} bytes 431, any other request the HTTP codec cannot read 400 (then the
 * connection closes); a path or query string whose percent-encoding is broken is 400 before
 * any route is matched.
 */
final class MalformedRequests {
  /**
   * Longest request line read, in characters: room for a multi-get of 100 ids of the longest
   * length ({@code Names.MAX_ID_LENGTH}), percent-encoded, and an OAuth query string.
   */
  static final int MAX_REQUEST_LINE = 64 * 1024;

  /** Largest header block read, in bytes. */
  static final int MAX_HEADERS = 16 * 1024;

  private MalformedRequests() {}

  /** An HTTP server with those limits that answers what its codec cannot decode with {@link #answer}. */
  static HttpServer server(Vertx vertx) {
    return vertx
        .createHttpServer(new HttpServerOptions().setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADERS))
        .invalidRequestHandler(MalformedRequests::answer);
  }

  /**
   * Mounts what every Locus router starts with, before any route that has a path (request ids,
   * then the encoding check), and ends with: {@link Api#failure} for every failure and for the
   * statuses the router sets itself.
   */
  static void frame(Router router) {
    router.route().order(-2).handler(new RequestIds());
    router.route().order(-1).handler(MalformedRequests::checkEncoding);
    router.route().failureHandler(Api::failure);
    for (int status : new int[] {400, 404, 405, 413, 414, 415, 431, 500}) {
      router.errorHandler(status, Api::failure);
    }
  }

  /** The server's handler for requests its HTTP codec could not decode. */
  static void answer(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request line longer than " + MAX_REQUEST_LINE + " characters";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers larger than " + MAX_HEADERS + " bytes";
    } else {
      status = 400;
      message = "malformed HTTP request";
    }
    request
        .response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, Api.JSON)
        .putHeader(HttpHeaders.CONNECTION, "close")
        .end(new JsonObject().put("code", status).put("message", message).encode());
  }

  /** The router's first handler: fails 400 when the path or the query has a broken percent-escape. */
  static void checkEncoding(RoutingContext ctx) {
    String uri = ctx.request().uri();
    int query = uri.indexOf('?');
    check(query < 0 ? uri : uri.substring(0, query), "path");
    if (query >= 0) {
      check(uri.substring(query + 1), "query string");
    }
    ctx.next();
  }

  private static void check(String part, String what) {
    if (part.indexOf('%') < 0) {
      return;
    }
    try {
      URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException broken) {
      throw Failure.badRequest("malformed percent-encoding in the URL " + what);
    }
  }
}
