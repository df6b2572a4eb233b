package io.locus.http;

import io.locus.common.Failure;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.locus.ops.RequestIds;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

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

  private static final String READ = "locus.read";

  private MalformedRequests() {}

  /**
   * Whether the framework had read the whole request (its line, headers and body) when {@code
   * ctx} failed: what fails before that is the client's malformed request, not a fault of ours.
   */
  static boolean read(RoutingContext ctx) {
    return Boolean.TRUE.equals(ctx.get(READ));
  }

  /**
   * The server's request handler: answers 400 when an HTTP/1.1 request names no valid host, or
   * several (HTTP/1.1 requires exactly one; the router cannot route without it), and hands the rest to {@code router}.
   */
  static Handler<HttpServerRequest> checkingHost(Router router) {
    return request -> {
      if (request.version() == null) {
        reply(request, 400, "the request must be HTTP/1.0, HTTP/1.1 or HTTP/2");
        return;
      }
      List<String> hosts = request.headers().getAll(HttpHeaders.HOST);
      boolean valid =
          request.version() == HttpVersion.HTTP_2
              ? request.authority() != null
              : hosts.size() == 1 ? parsable(hosts.get(0)) : hosts.isEmpty() && request.version() == HttpVersion.HTTP_1_0;
      if (valid) {
        router.handle(request);
      } else {
        reply(request, 400, "the request must name one valid Host");
      }
    };
  }

  private static boolean parsable(String host) {
    try {
      return !host.isEmpty() && HostAndPort.parseAuthority(host, -1) != null;
    } catch (RuntimeException malformed) {
      return false;
    }
  }

  /**
   * An HTTP server with those limits that answers what its codec cannot decode with {@link
   * #answer}. It refuses every WebSocket handshake (400): with no handshake handler at all,
   * Vert.x would itself answer a bare 501 to a request of an unknown HTTP version instead of
   * passing it to {@link #checkingHost}, which answers it a JSON 400.
   */
  static HttpServer server(Vertx vertx) {
    return server(vertx, handshake -> handshake.reject(400));
  }

  /** As {@link #server(Vertx)}, with every WebSocket handshake given to {@code webSockets}. */
  static HttpServer server(Vertx vertx, Handler<ServerWebSocketHandshake> webSockets) {
    return vertx
        .createHttpServer(new HttpServerOptions().setMaxInitialLineLength(MAX_REQUEST_LINE).setMaxHeaderSize(MAX_HEADERS))
        .invalidRequestHandler(MalformedRequests::answer)
        .webSocketHandshakeHandler(webSockets);
  }

  /**
   * Mounts what every Locus router starts with, before any route that has a path — request ids,
   * the encoding check, then {@code readers} (the body handler) — and ends with: {@link
   * Api#failure(RoutingContext, int)} for every failure and for the statuses the router set itself. Once the readers
   * are through, the request is marked {@link #read}.
   */
  @SafeVarargs
  static void frame(Router router, Handler<RoutingContext>... readers) {
    router.route().handler(new RequestIds());
    router.route().handler(MalformedRequests::checkEncoding);
    for (Handler<RoutingContext> reader : readers) {
      router.route().handler(reader);
    }
    router.route().handler(ctx -> ctx.put(READ, true).next());
    router.route().failureHandler(ctx -> Api.failure(ctx, 500));
    for (int status : new int[] {400, 404, 405, 413, 414, 415, 431, 500}) {
      router.errorHandler(status, ctx -> Api.failure(ctx, status));
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
    reply(request, status, message);
  }

  /** A JSON error answered straight from the server, the router bypassed; the connection closes after it. */
  private static void reply(HttpServerRequest request, int status, String message) {
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
