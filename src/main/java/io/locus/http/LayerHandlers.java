package io.locus.http;

import io.vertx.core.Future;
import java.util.function.Function;
import io.locus.geo.Fence;
import io.locus.common.Failure;
import io.locus.common.CallbackTargets;
import io.locus.auth.OAuthHandler;
import io.locus.layer.LayerRequests;
import io.locus.common.Times;
import io.locus.layer.LayerAccess;
import io.locus.layer.LayerInput;
import io.locus.record.ExactJson;
import io.locus.record.Names;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The layer endpoints: {@code GET /0.1/layers} (the caller's own layers), and GET, PUT, DELETE
 * of one layer. Who may do what is {@link LayerAccess}'s rule.
 */
final class LayerHandlers {
  static final int PAGE_SIZE = 100;

  private final Api api;
  private final CallbackTargets targets;

  LayerHandlers(Api api, CallbackTargets targets) {
    this.api = api;
    this.targets = targets;
  }

  void list(RoutingContext ctx) {
    String cursor = ctx.queryParams().get("cursor");
    LayerRequests.Page page =
        new LayerRequests.Page(
            OAuthHandler.consumer(ctx),
            cursor == null || cursor.isEmpty() ? null : cursor,
            Api.intParam(ctx, "limit", PAGE_SIZE, 1, Api.MAX_LIMIT));
    Api.respond(ctx, 200, api.askRead(ctx, LayerRequests.LIST, page));
  }

  void get(RoutingContext ctx) {
    String name = Names.layer(Api.param(ctx, "name"));
    Api.respond(ctx, 200, api.layerFor(ctx, name, LayerAccess.Need.READ).map(LayerAccess::forClient));
  }

  void put(RoutingContext ctx) {
    String name = Names.layer(Api.param(ctx, "name"));
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ExactJson.parseObject(ctx.body().buffer());
    JsonObject layer = LayerInput.parse(name, body, Times.nowSeconds(), targets).put(LayerAccess.OWNER, OAuthHandler.consumer(ctx));
    Api.respond(ctx, 200, api.ask(ctx, LayerRequests.PUT, new LayerRequests.Put(layer)));
  }

  void delete(RoutingContext ctx) {
    String name = Names.layer(Api.param(ctx, "name"));
    Api.respond(ctx, 200, api.ask(ctx, LayerRequests.DELETE, new LayerRequests.Delete(name, OAuthHandler.consumer(ctx))));
  }

  /** PUT a fence of the caller's layer: {@code geometry}, {@code radius}, {@code detect}, {@code callback_urls}. */
  void putFence(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "name"));
    String id = Names.id(Api.param(ctx, "fence"));
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ExactJson.parseObject(ctx.body().buffer());
    Object bodyId = body.getValue("id");
    if (bodyId != null && !id.equals(bodyId)) {
      throw Failure.badRequest("\"id\" in the body differs from the URL");
    }
    JsonObject fence = Fence.parse(id, body, targets).toJson();
    Api.respond(
        ctx,
        200,
        api.layerFor(ctx, layer, LayerAccess.Need.WRITE)
            .compose(found -> api.ask(ctx, LayerRequests.FENCE_PUT, new LayerRequests.FencePut(layer, fence))));
  }

  void getFence(RoutingContext ctx) {
    onFence(ctx, LayerAccess.Need.READ, key -> api.askRead(ctx, LayerRequests.FENCE_GET, key));
  }

  void deleteFence(RoutingContext ctx) {
    onFence(ctx, LayerAccess.Need.WRITE, key -> api.ask(ctx, LayerRequests.FENCE_DELETE, key));
  }

  /** Answers what {@code then} does with the fence the path names, once the caller may do what it {@code need}s with its layer. */
  private void onFence(RoutingContext ctx, LayerAccess.Need need, Function<LayerRequests.FenceKey, Future<JsonObject>> then) {
    String layer = Names.layer(Api.param(ctx, "name"));
    LayerRequests.FenceKey key = new LayerRequests.FenceKey(layer, Names.id(Api.param(ctx, "fence")));
    Api.respond(ctx, 200, api.layerFor(ctx, layer, need).compose(found -> then.apply(key)));
  }

  /** A page of a layer's fences by id: {@code limit}, {@code cursor}. */
  void listFences(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "name"));
    String cursor = ctx.queryParams().get("cursor");
    LayerRequests.FencePage page =
        new LayerRequests.FencePage(
            layer, cursor == null || cursor.isEmpty() ? null : cursor, Api.intParam(ctx, "limit", PAGE_SIZE, 1, Api.MAX_LIMIT));
    Api.respond(
        ctx, 200, api.layerFor(ctx, layer, LayerAccess.Need.READ).compose(found -> api.askRead(ctx, LayerRequests.FENCE_LIST, page)));
  }
}
