package io.locus.http;

import io.locus.record.ExactJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Renders stored records in SimpleGeo's wire format: a GeoJSON Feature with {@code created},
 * the layer inside {@code properties}, and {@code selfLink}/{@code layerLink} built on the
 * request's base URL. Coordinates go out with exactly the digits they came in with.
 */
final class FeatureJson {
  private FeatureJson() {}

  /** {@code stored} is a row from the query verticle: id, coordinates, created, properties. */
  static JsonObject feature(JsonObject stored, String layer, String baseUrl) {
    String id = stored.getString("id");
    JsonObject properties = ExactJson.parseObject(stored.getString("properties")).put("layer", layer);
    return new JsonObject()
        .put("type", "Feature")
        .put("id", id)
        .put("created", stored.getLong("created"))
        .put("geometry", point(stored.getString("coordinates")))
        .put("properties", properties)
        .put("selfLink", new JsonObject().put("href", baseUrl + "/0.1/records/" + layer + "/" + id + ".json"))
        .put("layerLink", new JsonObject().put("href", baseUrl + "/0.1/layer/" + layer + ".json"));
  }

  static JsonObject point(String coordinates) {
    JsonArray lonLat = ExactJson.parseArray(coordinates);
    return new JsonObject().put("type", "Point").put("coordinates", lonLat);
  }

  static JsonObject collection(JsonArray features) {
    return new JsonObject().put("type", "FeatureCollection").put("features", features);
  }
}
