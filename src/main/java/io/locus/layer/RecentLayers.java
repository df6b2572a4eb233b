package io.locus.layer;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;

/**
 * The layers this node read from Cassandra lately, shared by all its verticles: the layer
 * verticles fill it and forget a layer they change; the HTTP verticles read it first, so that a
 * request for a layer read less than {@link #FRESH_MS} ago needs no event-bus hop. On a node
 * that runs no layer verticle it stays empty.
 */
public final class RecentLayers {
  /** How long a layer read from Cassandra is taken as it was: changes on other nodes show within this. */
  public static final long FRESH_MS = 1_000;

  private static final String MAP = "locus.layers.recent";

  private final LocalMap<String, JsonObject> map;

  /** The node's recent layers. */
  public RecentLayers(Vertx vertx) {
    this.map = vertx.sharedData().getLocalMap(MAP);
  }

  /** The layer {@code name} if it was read less than {@link #FRESH_MS} ago, else null. */
  public JsonObject fresh(String name) {
    JsonObject entry = map.get(name);
    return entry != null && System.currentTimeMillis() - entry.getLong("at") < FRESH_MS ? entry.getJsonObject("layer") : null;
  }

  /** The layer {@code name} as last read, however long ago (for when Cassandra cannot be reached), or null. */
  JsonObject last(String name) {
    JsonObject entry = map.get(name);
    return entry == null ? null : entry.getJsonObject("layer");
  }

  /** Keeps {@code layer}, read from Cassandra just now. */
  void read(String name, JsonObject layer) {
    map.put(name, new JsonObject().put("layer", layer).put("at", System.currentTimeMillis()));
  }

  /** Forgets {@code name}: it changed, or is gone. */
  void forget(String name) {
    map.remove(name);
  }
}
