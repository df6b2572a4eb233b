package io.locus.auth;

import io.locus.common.Failure;
import io.locus.common.Times;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.Locale;

/**
 * Lets a request through only when it is signed by a known, unrevoked consumer (two-legged
 * OAuth 1.0, HMAC-SHA1), within the timestamp window, with a nonce not seen before, and under
 * the consumer's rate limit; otherwise fails the request with 400, 401 or 429. A request let
 * through carries its consumer key, read with {@link #consumer}.
 *
 * <p>The URI in the signature base string is the configured public base URL's scheme and host
 * with the request's path when a public base URL is set (behind a TLS-terminating proxy the
 * client signs the URL it used), else the request's own scheme and {@code Host}.
 */
public final class OAuthHandler implements Handler<RoutingContext> {
  private static final String CONSUMER = "locus.consumer";
  private static final String FORM = "application/x-www-form-urlencoded";

  private final AuthSettings settings;
  private final URI publicBase;
  private final ConsumerCache consumers;
  private final NonceGuard nonces;
  private final RateLimiter limiter;

  /**
   * @param publicBaseUrl the configured public base URL, or empty
   * @param consumers this verticle's consumer cache
   */
  public OAuthHandler(Vertx vertx, AuthSettings settings, String publicBaseUrl, ConsumerCache consumers) {
    this.settings = settings;
    this.publicBase = publicBaseUrl.isEmpty() ? null : URI.create(publicBaseUrl);
    this.consumers = consumers;
    this.nonces = new NonceGuard(vertx, settings.timestampSkewSeconds());
    this.limiter = new RateLimiter(vertx);
  }

  /** The key of the consumer that signed this request (set once it passed this handler). */
  public static String consumer(RoutingContext ctx) {
    return ctx.get(CONSUMER);
  }

  @Override
  public void handle(RoutingContext ctx) {
    SignedRequest signed;
    try {
      signed = parse(ctx);
    } catch (Failure refused) {
      ctx.fail(refused);
      return;
    }
    authenticate(signed)
        .onSuccess(
            key -> {
              ctx.put(CONSUMER, key);
              ctx.next();
            })
        .onFailure(ctx::fail);
  }

  /**
   * The consumer that signed a WebSocket handshake ({@code GET}; no form body), checked as
   * {@link #handle} checks a request; fails with the {@link Failure} a request would get.
   */
  public Future<String> authenticate(ServerWebSocketHandshake handshake) {
    try {
      String host = handshake.headers().get("Host");
      return authenticate(
          SignedRequest.parse(
              "GET",
              baseUri(handshake.isSsl() ? "https" : "http", host != null ? host : String.valueOf(handshake.authority()), handshake.path()),
              handshake.query(),
              null,
              handshake.headers().get("Authorization")));
    } catch (Failure refused) {
      return Future.failedFuture(refused);
    }
  }

  private Future<String> authenticate(SignedRequest signed) {
    long now = Times.nowSeconds();
    if (Math.abs(now - signed.timestamp()) > settings.timestampSkewSeconds()) {
      return Future.failedFuture(
          Failure.unauthorized(
              "oauth_timestamp is more than " + settings.timestampSkewSeconds() + " s from the server's clock ("
                  + now + ")"));
    }
    return consumers.find(signed.consumerKey()).compose(consumer -> verify(signed, consumer, now));
  }

  private Future<String> verify(SignedRequest signed, ConsumerCache.Consumer consumer, long now) {
    if (consumer == null || consumer.revoked()) {
      return Future.failedFuture(Failure.unauthorized("unknown or revoked oauth_consumer_key"));
    }
    if (!signed.signedWith(consumer.secret())) {
      return Future.failedFuture(Failure.unauthorized("invalid signature"));
    }
    RateLimit limit = consumer.limit() == null ? settings.defaultLimit() : consumer.limit();
    return nonces
        .firstUse(consumer.key(), signed.timestamp(), signed.nonce(), now)
        .compose(
            first ->
                first
                    ? limiter.admit(consumer.key(), limit)
                    : Future.failedFuture(Failure.unauthorized("oauth_nonce already used")))
        .map(admitted -> consumer.key());
  }

  private SignedRequest parse(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String contentType = request.getHeader("Content-Type");
    String form =
        contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(FORM) && ctx.body().buffer() != null
            ? ctx.body().asString()
            : null;
    return SignedRequest.parse(
        request.method().name(), baseUri(request.scheme(), host(request), request.path()), request.query(), form,
        request.getHeader("Authorization"));
  }

  private String baseUri(String scheme, String host, String path) {
    return publicBase != null
        ? OAuthSignature.baseStringUri(publicBase.getScheme(), publicBase.getRawAuthority(), path)
        : OAuthSignature.baseStringUri(scheme, host, path);
  }

  private static String host(HttpServerRequest request) {
    String host = request.getHeader("Host");
    return host != null ? host : String.valueOf(request.authority());
  }
}
