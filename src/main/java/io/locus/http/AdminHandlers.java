package io.locus.http;

import io.locus.common.Failure;
import io.locus.auth.AuthSettings;
import io.locus.common.ConsumerRequests;
import io.locus.record.ExactJson;
import io.locus.common.Addresses;
import io.locus.common.RoleRequests;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The admin surface. {@code /admin/consumers}: create (POST, answers the new key and secret
 * once), list (GET, without secrets) and revoke (DELETE {@code /admin/consumers/{key}}). {@code
 * /admin/roles}: every node's verticle instances per role (GET), and scaling a role on every node
 * that runs it or on one ({@code PUT /admin/roles/{role}?node=}). It takes {@code Authorization:
 * Bearer <auth.adminKey>} instead of OAuth, and does not exist (404) when no admin key is
 * configured.
 */
final class AdminHandlers {
  static final String PREFIX = "/admin";
  private static final int MAX_NAME = 200;
  private static final String BEARER = "Bearer ";
  /**
   * What a scaling may take beyond its drain: deploying instances one after another (a writer
   * connects to the broker and prepares its statements), and the event bus's round trip.
   */
  private static final long SCALE_MARGIN_MS = 60_000;
  /** How long a node may take to tell its roles. */
  private static final long READ_ROLES_MS = 5_000;

  private final Api api;
  private final byte[] adminKey;

  /** How long a node may take to scale a role: instances removed drain for up to the shutdown deadline. */
  private final long scaleTimeoutMs;

  AdminHandlers(Api api, AuthSettings auth, long shutdownDeadlineMs) {
    this.api = api;
    this.scaleTimeoutMs = shutdownDeadlineMs + SCALE_MARGIN_MS;
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

  /** {@code {"nodes":[{"node":…,"roles":{…}}]}}: every node's roles; a node that does not answer is listed with {@code "unreachable": true}. */
  void roles(RoutingContext ctx) {
    Api.respond(ctx, 200, everyNode(ctx).map(AdminHandlers::nodes));
  }

  /**
   * Scales {@code role} to {@code {"instances": n}} on {@code ?node=} or on every node that runs
   * it, concurrently; answers the roles of the nodes it scaled once each is done.
   */
  void scale(RoutingContext ctx) {
    String role = ctx.pathParam("role");
    if (!RoleRequests.NAMES.contains(role)) {
      throw Failure.notFound("no role \"" + role + "\"; roles: " + RoleRequests.NAMES);
    }
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ExactJson.parseObject(ctx.body().buffer());
    int minimum = RoleRequests.minimum(role);
    Object instances = body.getValue("instances");
    if (!(instances instanceof Number number)
        || number.doubleValue() % 1 != 0
        || number.doubleValue() < minimum
        || number.doubleValue() > RoleRequests.MAX_INSTANCES) {
      throw Failure.badRequest("\"instances\" must be an integer between " + minimum + " and " + RoleRequests.MAX_INSTANCES + " for the " + role + " role");
    }
    RoleRequests.Scale request = new RoleRequests.Scale(role, number.intValue());
    String only = ctx.queryParams().get("node");
    Future<List<String>> targets =
        only != null
            ? api.nodes().map(all -> {
                if (!all.contains(only)) {
                  throw Failure.notFound("no node \"" + only + "\" in the cluster; GET /admin/roles lists them");
                }
                return List.of(only);
              })
            : everyNode(ctx).map(all -> running(all, role));
    Api.respond(
        ctx,
        200,
        targets.compose(
            nodes -> {
              List<Future<JsonObject>> scaled = new ArrayList<>();
              for (String node : nodes) {
                scaled.add(api.askWithin(ctx, RoleRequests.SCALE.at(Addresses.rolesOf(node)), request, scaleTimeoutMs)
                    .recover(cause -> Future.failedFuture(naming(node, cause))));
              }
              return Future.all(scaled).map(all -> nodes(all.<JsonObject>list()));
            }));
  }

  /** Every node's answer to a read of its roles, sorted by node. */
  private Future<List<JsonObject>> everyNode(RoutingContext ctx) {
    return api.nodes()
        .compose(
            nodes -> {
              List<Future<JsonObject>> answers = new ArrayList<>();
              for (String node : nodes) {
                answers.add(
                    api.askWithin(ctx, RoleRequests.GET.at(Addresses.rolesOf(node)), new RoleRequests.Read(), READ_ROLES_MS)
                        .otherwise(new JsonObject().put("node", node).put("roles", new JsonObject()).put("unreachable", true)));
              }
              return Future.all(answers).map(all -> all.<JsonObject>list());
            });
  }

  /** The nodes that run {@code role}; fails 409 when none does. */
  private static List<String> running(List<JsonObject> nodes, String role) {
    List<String> running =
        nodes.stream().filter(node -> node.getJsonObject("roles").containsKey(role)).map(node -> node.getString("node")).toList();
    if (running.isEmpty()) {
      throw Failure.conflict("no node runs the " + role + " role");
    }
    return running;
  }

  /** A node's failure, named: the node's own status when it answered one, else 503. */
  private static Failure naming(String node, Throwable cause) {
    Failure failure = Failure.of(cause);
    return new Failure(failure.status(), "node " + node + ": " + failure.getMessage());
  }

  private static JsonObject nodes(List<JsonObject> nodes) {
    return new JsonObject().put("nodes", new JsonArray(List.copyOf(nodes)));
  }

  private static int positive(JsonObject shape, String field, int max) {
    Object value = shape.getValue(field);
    if (value instanceof Number number && number.doubleValue() % 1 == 0 && number.longValue() >= 1 && number.longValue() <= max) {
      return number.intValue();
    }
    throw Failure.badRequest("\"rateLimit." + field + "\" must be an integer between 1 and " + max);
  }
}
