package io.locus.http;

import io.locus.common.Addresses;
import io.locus.common.Times;
import io.locus.layer.LayerInput;
import io.locus.record.ExactJson;
import io.locus.record.Names;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The layer endpoints: {@code GET /0.1/layers}, and GET, PUT, DELETE of one layer. */
final class LayerHandlers {
  static final int PAGE_SIZE = 100;

  private final Api api;

  LayerHandlers(Api api) {
    this.api = api;
  }

  void list(RoutingContext ctx) {
    JsonObject query = new JsonObject().put("limit", Api.intParam(ctx, "limit", PAGE_SIZE, 1, 500));
    String cursor = ctx.queryParams().get("cursor");
    if (cursor != null && !cursor.isEmpty()) {
      query.put("cursor", cursor);
    }
    Api.respond(ctx, 200, api.askRead(Addresses.LAYERS, "list", query));
  }

  void get(RoutingContext ctx) {
    String name = Names.layer(Api.param(ctx, "name"));
    Api.respond(ctx, 200, api.askRead(Addresses.LAYERS, "get", new JsonObject().put("name", name)));
  }

  void put(RoutingContext ctx) {
    String name = Names.layer(Api.param(ctx, "name"));
    JsonObject body = ctx.body().length() == 0 ? new JsonObject() : ExactJson.parseObject(ctx.body().buffer());
    JsonObject layer = LayerInput.parse(name, body, Times.nowSeconds());
    Api.respond(ctx, 200, api.ask(Addresses.LAYERS, "put", layer));
  }

  void delete(RoutingContext ctx) {
    String name = Names.layer(Api.param(ctx, "name"));
    Api.respond(ctx, 200, api.ask(Addresses.LAYERS, "delete", new JsonObject().put("name", name)));
  }
}
