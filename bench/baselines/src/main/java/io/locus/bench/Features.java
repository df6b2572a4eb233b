package io.locus.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A GeoJSON FeatureCollection of points with their distance in metres, shaped like Locus's
 * nearby answer so that both servers send answers of about the same size.
 */
final class Features {
  private final JsonArray features = new JsonArray();

  Features add(String id, double lon, double lat, double distanceM) {
    features.add(
        new JsonObject()
            .put("type", "Feature")
            .put("id", id)
            .put("geometry", new JsonObject().put("type", "Point").put("coordinates", new JsonArray().add(lon).add(lat)))
            .put("properties", new JsonObject())
            .put("distance", distanceM));
    return this;
  }

  int size() {
    return features.size();
  }

  JsonObject collection() {
    return new JsonObject().put("type", "FeatureCollection").put("features", features);
  }
}
