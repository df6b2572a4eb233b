package io.locus.http;

import io.locus.common.Failure;
import io.locus.auth.AuthSettings;
import io.locus.common.ConsumerRequests;
import io.locus.record.ExactJson;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The admin surface, {@code /admin/consumers}: create (POST, answers the new key and secret
 * once), list (GET, without secrets) and revoke (DELETE {@code /admin/consumers/{key}}). It
 * takes {@code Authorization: Bearer <auth.adminKey>} instead of OAuth, and does not exist
 * (404) when no admin key is configured.
 */
final class AdminHandlers {
  static final String PREFIX = "/admin";
  private static final int MAX_NAME = 200;
  private static final String BEARER = "Bearer ";

  private final Api api;
  private final byte[] adminKey;

  AdminHandlers(Api api, AuthSettings auth) {
    this.api = api;
    this.adminKey = auth.adminEnabled() ? auth.adminKey().getBytes(StandardCharsets.UTF_8) : null;
  }

  /** Lets through only requests bearing the admin key. */
  void guard(RoutingContext ctx) {
    if (adminKey == null) {
      ctx.fail(Failure.notFound("not found"));
      return;
    }
    String header = ctx.request().getHeader("Authorization");
    byte[] presented =
        header != null && header.startsWith(BEARER)
            ? header.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8)
            : new byte[0];
    if (!MessageDigest.isEqual(adminKey, presented)) {
      ctx.fail(Failure.unauthorized("the admin key is required: Authorization: Bearer <key>"));
      return;
    }
    ctx.next();
  }

  void create(RoutingContext ctx) {
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ExactJson.parseObject(ctx.body().buffer());
    if (!(body.getValue("name") instanceof String name) || name.isBlank() || name.length() > MAX_NAME) {
      throw Failure.badRequest("\"name\" must be a non-blank string of at most " + MAX_NAME + " characters");
    }
    Object limit = body.getValue("rateLimit");
    JsonObject rateLimit = null;
    if (limit != null) {
      if (!(limit instanceof JsonObject shape)) {
        throw Failure.badRequest("\"rateLimit\" must be {\"requestsPerSecond\": n, \"burst\": n}");
      }
      rateLimit =
          new JsonObject()
              .put("requestsPerSecond", positive(shape, "requestsPerSecond", 1_000_000))
              .put("burst", positive(shape, "burst", 10_000_000));
    }
    Api.respond(ctx, 201, api.ask(ctx, ConsumerRequests.CREATE, new ConsumerRequests.Create(name, rateLimit)));
  }

  void list(RoutingContext ctx) {
    Api.respond(ctx, 200, api.ask(ctx, ConsumerRequests.LIST, new ConsumerRequests.All()));
  }

  void revoke(RoutingContext ctx) {
    Api.respond(ctx, 200, api.ask(ctx, ConsumerRequests.REVOKE, new ConsumerRequests.Key(ctx.pathParam("key"))));
  }

  private static int positive(JsonObject shape, String field, int max) {
    Object value = shape.getValue(field);
    if (value instanceof Number number && number.doubleValue() % 1 == 0 && number.longValue() >= 1 && number.longValue() <= max) {
      return number.intValue();
    }
    throw Failure.badRequest("\"rateLimit." + field + "\" must be an integer between 1 and " + max);
  }
}
