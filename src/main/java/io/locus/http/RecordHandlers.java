package io.locus.http;

import io.locus.record.FeatureJson;
import io.locus.common.Failure;
import io.locus.common.Times;
import io.locus.record.WriteBatch;
import io.locus.record.WriteOp;
import io.locus.layer.LayerAccess;
import io.locus.query.LocalReads;
import io.locus.query.RecordReads;
import io.locus.record.ExactJson;
import io.locus.record.Names;
import io.locus.record.PointRecord;
import io.locus.store.IndexReader;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * The record endpoints of SimpleGeo Storage 0.1: upsert, bulk upsert, get, multi-get, delete,
 * history. Writes are answered 202 once the broker confirmed them; reads come from Cassandra.
 */
final class RecordHandlers {
  /** Most features in one bulk upsert, and most ids in one multi-get. */
  static final int MAX_BATCH = 100;

  static final int DEFAULT_HISTORY_LIMIT = 10;

  private final Api api;
  private final LocalReads local;

  /** Handlers asking the query verticles through {@code api}, or {@code local} memory when it holds the layer. */
  RecordHandlers(Api api, LocalReads local) {
    this.api = api;
    this.local = local;
  }

  void put(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "layer"));
    String id = Names.id(Api.param(ctx, "id"));
    JsonObject feature = ExactJson.parseObject(ctx.body().buffer());
    // One clock reading for both: read twice, a second could tick in between and make this
    // write look a second older than it is.
    long micros = Times.nowMicros();
    PointRecord record = PointRecord.fromFeature(layer, id, feature, micros / 1_000_000, api.createdSkewSeconds());
    accept(ctx, layer, List.of(WriteOp.upsert(record, micros)));
  }

  void bulk(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "layer"));
    JsonObject collection = ExactJson.parseObject(ctx.body().buffer());
    if (!"FeatureCollection".equals(collection.getValue("type"))) {
      throw Failure.badRequest("\"type\" must be \"FeatureCollection\"");
    }
    Object features = collection.getValue("features");
    if (!(features instanceof JsonArray)) {
      throw Failure.badRequest("\"features\" must be a list of Features");
    }
    JsonArray list = (JsonArray) features;
    if (list.isEmpty() || list.size() > MAX_BATCH) {
      throw Failure.badRequest(
          "a bulk write takes 1 to " + MAX_BATCH + " features, got " + list.size());
    }
    long micros = Times.nowMicros();
    long now = micros / 1_000_000;
    List<WriteOp> ops = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      if (!(list.getValue(i) instanceof JsonObject)) {
        throw Failure.badRequest("features[" + i + "] must be a Feature object");
      }
      try {
        ops.add(WriteOp.upsert(PointRecord.fromFeature(layer, null, list.getJsonObject(i), now, api.createdSkewSeconds()), micros));
      } catch (Failure invalid) {
        throw new Failure(invalid.status(), "features[" + i + "]: " + invalid.getMessage());
      }
    }
    accept(ctx, layer, ops);
  }

  void delete(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "layer"));
    String id = Names.id(Api.param(ctx, "id"));
    accept(ctx, layer, List.of(WriteOp.delete(layer, id, Times.nowMicros())));
  }

  /** One id answers a Feature (or 404); a comma-separated list answers a FeatureCollection. */
  void get(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "layer"));
    String raw = Api.param(ctx, "id");
    boolean many = raw.contains(",");
    List<String> ids = new ArrayList<>();
    for (String id : raw.split(",", -1)) {
      ids.add(Names.id(id));
    }
    if (ids.size() > MAX_BATCH) {
      throw Failure.badRequest("at most " + MAX_BATCH + " ids per request");
    }
    String base = api.baseUrl(ctx);
    Future<Buffer> answer =
        api.layerFor(ctx, layer, LayerAccess.Need.READ)
            .compose(
                v -> {
                  FeatureJson.Features features = new FeatureJson.Features(layer, base);
                  List<IndexReader.Entry> inMemory = local.get(layer, ids);
                  if (inMemory != null) {
                    inMemory.forEach(e -> features.add(e.id(), e.coordinates(), e.created(), e.properties(), e.expires(), Double.NaN));
                    return Future.succeededFuture(features);
                  }
                  return api.askRead(ctx, RecordReads.GET, new RecordReads.Get(layer, ids))
                      .map(
                          found -> {
                            found.getJsonArray("records").forEach(row -> features.add((JsonObject) row));
                            return features;
                          });
                })
            .map(
                features -> {
                  if (many) {
                    return features.collection();
                  }
                  if (features.isEmpty()) {
                    throw Failure.notFound("record not found: " + ids.get(0));
                  }
                  return features.single();
                });
    Api.respondEncoded(ctx, 200, answer);
  }

  void history(RoutingContext ctx) {
    String layer = Names.layer(Api.param(ctx, "layer"));
    String id = Names.id(ctx.pathParam("id"));
    int limit = Api.intParam(ctx, "limit", DEFAULT_HISTORY_LIMIT, 1, Api.MAX_LIMIT);
    String cursor = ctx.queryParams().get("cursor");
    RecordReads.History query = new RecordReads.History(layer, id, limit, cursor == null || cursor.isEmpty() ? null : cursor);
    Future<JsonObject> answer =
        api.layerFor(ctx, layer, LayerAccess.Need.READ)
            .compose(v -> api.askRead(ctx, RecordReads.HISTORY, query))
            .map(
                page -> {
                  JsonArray geometries = new JsonArray();
                  page.getJsonArray("positions").forEach(
                      p -> {
                        JsonObject position = (JsonObject) p;
                        geometries.add(
                            FeatureJson.point(position.getString("coordinates"))
                                .put("created", position.getLong("created")));
                      });
                  String next = page.getString("next_cursor");
                  // SimpleGeo's Java client reads "cursor", the others "next_cursor".
                  return new JsonObject()
                      .put("type", "GeometryCollection")
                      .put("geometries", geometries)
                      .put("next_cursor", next)
                      .put("cursor", next);
                });
    Api.respond(ctx, 200, answer);
  }

  /** Checks the layer exists, publishes durably, answers 202 after the broker confirmed. */
  private void accept(RoutingContext ctx, String layer, List<WriteOp> ops) {
    Future<JsonObject> answer =
        api.layerFor(ctx, layer, LayerAccess.Need.WRITE)
            .compose(v -> api.publish(ctx, new WriteBatch(ops)))
            .map(v -> new JsonObject().put("status", "Accepted").put("accepted", ops.size()));
    Api.respond(ctx, 202, answer);
  }

}
