package io.locus.layer;

import io.locus.common.Addresses;
import io.locus.common.BusRequest;
import io.locus.common.Operation;
import io.vertx.core.json.JsonObject;

/** The contract of {@link Addresses#LAYERS}, served by {@link LayerVerticle}. */
public final class LayerRequests {
  private LayerRequests() {}

  /** The layer with its owner, or fails 404; the caller applies {@link LayerAccess}. */
  public static final Operation<Get> GET = new Operation<>(Addresses.LAYERS, "get", Get::fromJson);

  /**
   * Creates the layer, or updates it keeping its {@code created} when the owner is the same →
   * {@code {"status":"OK"}}; fails 409 when another consumer holds the name.
   */
  public static final Operation<Put> PUT = new Operation<>(Addresses.LAYERS, "put", Put::fromJson);

  /**
   * Removes the layer and queues the purge of its records → {@code {"status":"Deleted"}}; fails
   * 404/403 per {@link LayerAccess}, or 503 with the layer left as it was when the purge could
   * not be queued.
   */
  public static final Operation<Delete> DELETE = new Operation<>(Addresses.LAYERS, "delete", Delete::fromJson);

  /** One page of an owner's layers by name → {@code {"layers":[…],"next_cursor":…}}. */
  public static final Operation<Page> LIST = new Operation<>(Addresses.LAYERS, "list", Page::fromJson);

  /** Saves a fence of a layer (the caller checked the layer's owner) → {@code {"status":"OK"}}. */
  public static final Operation<FencePut> FENCE_PUT = new Operation<>(Addresses.LAYERS, "fence-put", FencePut::fromJson);

  /** A fence of a layer → its JSON, or fails 404. */
  public static final Operation<FenceKey> FENCE_GET = new Operation<>(Addresses.LAYERS, "fence-get", FenceKey::fromJson);

  /** Removes a fence of a layer → {@code {"status":"Deleted"}}, or fails 404. */
  public static final Operation<FenceKey> FENCE_DELETE = new Operation<>(Addresses.LAYERS, "fence-delete", FenceKey::fromJson);

  /** One page of a layer's fences by id → {@code {"fences":[…],"next_cursor":…}}. */
  public static final Operation<FencePage> FENCE_LIST = new Operation<>(Addresses.LAYERS, "fence-list", FencePage::fromJson);

  /** Fence {@code fence} (its JSON, with its {@code id}) of {@code layer}. */
  public record FencePut(String layer, JsonObject fence) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("layer", layer).put("fence", fence);
    }

    static FencePut fromJson(JsonObject json) {
      return new FencePut(json.getString("layer"), json.getJsonObject("fence"));
    }
  }

  /** Fence {@code id} of {@code layer}. */
  public record FenceKey(String layer, String id) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("layer", layer).put("id", id);
    }

    static FenceKey fromJson(JsonObject json) {
      return new FenceKey(json.getString("layer"), json.getString("id"));
    }
  }

  /** Up to {@code limit} fences of {@code layer} after {@code cursor} (null: from the first). */
  public record FencePage(String layer, String cursor, int limit) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("layer", layer).put("cursor", cursor).put("limit", limit);
    }

    static FencePage fromJson(JsonObject json) {
      return new FencePage(json.getString("layer"), json.getString("cursor"), json.getInteger("limit"));
    }
  }

  /** The layer called {@code name}. */
  public record Get(String name) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("name", name);
    }

    static Get fromJson(JsonObject json) {
      return new Get(json.getString("name"));
    }
  }

  /** A layer as {@link LayerInput} parsed it, with its {@code owner}. */
  public record Put(JsonObject layer) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return layer;
    }

    static Put fromJson(JsonObject json) {
      return new Put(json);
    }
  }

  /** Delete layer {@code name}, asked by {@code consumer}. */
  public record Delete(String name, String consumer) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("name", name).put("consumer", consumer);
    }

    static Delete fromJson(JsonObject json) {
      return new Delete(json.getString("name"), json.getString("consumer"));
    }
  }

  /** Up to {@code limit} layers of {@code owner} after {@code cursor} (null: from the first). */
  public record Page(String owner, String cursor, int limit) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("owner", owner).put("cursor", cursor).put("limit", limit);
    }

    static Page fromJson(JsonObject json) {
      return new Page(json.getString("owner"), json.getString("cursor"), json.getInteger("limit"));
    }
  }
}
