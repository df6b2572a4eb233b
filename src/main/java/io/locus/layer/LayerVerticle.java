package io.locus.layer;

import io.locus.common.Dispatcher;
import io.locus.common.Failure;
import io.locus.store.FenceStore;
import io.locus.store.LayerStore;
import io.locus.common.Addresses;
import io.locus.common.Times;
import io.locus.record.WriteBatch;
import io.locus.record.WriteOp;
import io.locus.store.Cassandra;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Layer reads and writes, synchronous against Cassandra (a layer must exist before records are
 * written to it): serves the {@link LayerRequests} of {@link Addresses#LAYERS}.
 */
public final class LayerVerticle extends VerticleBase {
  private final CassandraClient cassandra;
  private final long purgeTimeoutMs;

  /** A verticle with what it needs of the node: its settings and shared clients. */
  public LayerVerticle(CassandraClient cassandra, long purgeTimeoutMs) {
    this.cassandra = cassandra;
    this.purgeTimeoutMs = purgeTimeoutMs;
  }

  private LayerStore store;
  private FenceStore fences;
  private RecentLayers recent;

  @Override
  public Future<?> start() {
    recent = new RecentLayers(vertx);
    return Future.all(LayerStore.prepare(cassandra), FenceStore.prepare(cassandra))
        .onSuccess(
            prepared -> {
              store = prepared.resultAt(0);
              fences = prepared.resultAt(1);
              Dispatcher.of(Addresses.LAYERS, Cassandra::translate)
                  .on(LayerRequests.GET, get -> found(cachedGet(get.name())))
                  .on(LayerRequests.PUT, put -> put(put.layer()))
                  .on(LayerRequests.DELETE, delete -> delete(delete.name(), delete.consumer()))
                  .on(LayerRequests.LIST, page -> list(page.owner(), page.cursor(), page.limit()))
                  .on(LayerRequests.FENCE_PUT, put -> putFence(put.layer(), put.fence()))
                  .on(LayerRequests.FENCE_GET, get -> fences.get(get.layer(), get.id()).compose(LayerVerticle::fenceFound))
                  .on(LayerRequests.FENCE_DELETE, delete -> deleteFence(delete.layer(), delete.id()))
                  .on(LayerRequests.FENCE_LIST, page -> listFences(page.layer(), page.cursor(), page.limit()))
                  .register(vertx.eventBus());
            });
  }

  /**
   * The layer, from the node's {@link RecentLayers} when read less than {@link
   * RecentLayers#FRESH_MS} ago. When Cassandra cannot be reached, a layer seen before is served
   * from there whatever its age, so that writes keep being accepted (and queued) through a
   * Cassandra outage.
   */
  private Future<JsonObject> cachedGet(String name) {
    JsonObject fresh = recent.fresh(name);
    if (fresh != null) {
      return Future.succeededFuture(fresh);
    }
    JsonObject last = recent.last(name);
    return store
        .get(name)
        .onSuccess(
            layer -> {
              if (layer == null) {
                recent.forget(name);
              } else {
                recent.read(name, layer);
              }
            })
        .recover(
            cause ->
                last != null && Cassandra.isUnavailable(cause)
                    ? Future.succeededFuture(last)
                    : Future.failedFuture(cause));
  }

  private static Future<JsonObject> found(Future<JsonObject> layer) {
    return layer.compose(
        found -> found == null ? Future.failedFuture(Failure.notFound("layer not found")) : Future.succeededFuture(found));
  }

  private Future<JsonObject> put(JsonObject layer) {
    String name = layer.getString("name");
    return store
        .get(name)
        .compose(existing -> existing == null ? create(layer) : update(existing, layer))
        .onSuccess(v -> recent.forget(name))
        .map(v -> new JsonObject().put("status", "OK"));
  }

  private Future<Void> create(JsonObject layer) {
    return store
        .create(layer)
        .compose(
            created ->
                created
                    ? Future.succeededFuture()
                    : store.get(layer.getString("name")).compose(winner -> update(winner, layer)));
  }

  /**
   * Updates {@code existing} (as read just before) with {@code layer}'s settings. The update is
   * conditional on the owner: when it finds the layer deleted or taken meanwhile, it starts over
   * from what the table holds now.
   */
  private Future<Void> update(JsonObject existing, JsonObject layer) {
    if (existing == null) {
      return create(layer);
    }
    if (!layer.getString(LayerAccess.OWNER).equals(existing.getString(LayerAccess.OWNER))) {
      return Future.failedFuture(Failure.conflict("layer name is taken by another consumer"));
    }
    layer.put("created", existing.getLong("created"));
    return store
        .update(layer)
        .compose(
            applied ->
                applied
                    ? Future.succeededFuture()
                    : store.get(layer.getString("name")).compose(now -> update(now, layer)));
  }

  private Future<JsonObject> delete(String name, String consumer) {
    return store
        .get(name)
        .compose(
            found -> {
              JsonObject existing = LayerAccess.check(found, consumer, LayerAccess.Need.WRITE);
              WriteBatch purge = new WriteBatch(List.of(WriteOp.purgeLayer(name, Times.nowMicros())));
              recent.forget(name);
              // Its fences go first, so that none can outlive it and judge the records of a layer
              // made later under the same name; the layer is put back if they or the purge fail.
              return store
                  .delete(existing)
                  .compose(
                      deleted ->
                          deleted
                              ? fences
                                  .deleteAll(name)
                                  .onSuccess(v -> fencesChanged(name))
                                  .compose(
                                      v ->
                                          vertx.eventBus()
                                              .request(Addresses.PUBLISH, purge, new DeliveryOptions().setSendTimeout(purgeTimeoutMs)))
                                  .recover(cause -> store.create(existing).transform(restored -> Future.failedFuture(cause)))
                              : Future.failedFuture(Failure.notFound("layer not found")));
            })
        .map(v -> new JsonObject().put("status", "Deleted"));
  }

  private Future<JsonObject> putFence(String layer, JsonObject fence) {
    return fences
        .put(layer, fence, Times.nowSeconds())
        .onSuccess(v -> fencesChanged(layer))
        .map(v -> new JsonObject().put("status", "OK"));
  }

  private Future<JsonObject> deleteFence(String layer, String id) {
    return fences
        .get(layer, id)
        .compose(LayerVerticle::fenceFound)
        .compose(found -> fences.delete(layer, id))
        .onSuccess(v -> fencesChanged(layer))
        .map(v -> new JsonObject().put("status", "Deleted"));
  }

  /** Tells every node that evaluates {@code layer}'s fences to read them again. */
  private void fencesChanged(String layer) {
    vertx.eventBus().publish(Addresses.FENCES_CHANGED, layer);
  }

  private static Future<JsonObject> fenceFound(JsonObject fence) {
    return fence == null ? Future.failedFuture(Failure.notFound("fence not found")) : Future.succeededFuture(fence);
  }

  private Future<JsonObject> listFences(String layer, String cursor, int limit) {
    String after = cursor == null ? null : decodeCursor(cursor, FENCE_CURSOR);
    return fences
        .page(layer, after, limit + 1)
        .map(
            page -> {
              boolean more = page.size() > limit;
              JsonArray listed = new JsonArray(new ArrayList<>(page.subList(0, Math.min(limit, page.size()))));
              String next = more ? encodeCursor(listed.getJsonObject(listed.size() - 1).getString("id"), FENCE_CURSOR) : null;
              return new JsonObject().put("fences", listed).put("next_cursor", next);
            });
  }

  private Future<JsonObject> list(String owner, String cursor, int limit) {
    String after = cursor == null ? null : decodeCursor(cursor, LAYER_CURSOR);
    return store
        .page(owner, after, limit + 1)
        .map(
            page -> {
              boolean more = page.size() > limit;
              JsonArray layers = new JsonArray();
              page.subList(0, Math.min(limit, page.size())).forEach(layer -> layers.add(LayerAccess.forClient(layer)));
              String next =
                  more ? encodeCursor(layers.getJsonObject(layers.size() - 1).getString("name"), LAYER_CURSOR) : null;
              return new JsonObject().put("layers", layers).put("next_cursor", next);
            });
  }

  /** What a page of layers resumes after: a layer name. */
  private static final String LAYER_CURSOR = "l1:";

  /** What a page of fences resumes after: a fence id. */
  private static final String FENCE_CURSOR = "f1:";

  static String encodeCursor(String last, String kind) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((kind + last).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeCursor(String cursor, String kind) {
    try {
      String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      if (text.startsWith(kind) && text.length() > kind.length()) {
        String last = text.substring(kind.length());
        return kind.equals(LAYER_CURSOR) ? io.locus.record.Names.layer(last) : io.locus.record.Names.id(last);
      }
    } catch (IllegalArgumentException invalid) {
      // reported below
    }
    throw Failure.badRequest("invalid cursor");
  }
}
