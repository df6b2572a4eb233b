package io.locus.record;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Renders stored records in SimpleGeo's wire format: a GeoJSON Feature with {@code created}
 * (and {@code expires} when the record expires),
 * the layer inside {@code properties}, and {@code selfLink}/{@code layerLink} built on the
 * request's base URL. Coordinates go out with exactly the digits they came in with.
 *
 * <p>Features are written straight to bytes: a record's coordinates and properties are spliced
 * in as the JSON text they were stored as (a record's stored properties never hold {@code
 * layer}: the write path removes it), so an answer parses and re-encodes nothing.
 */
public final class FeatureJson {
  private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

  private FeatureJson() {}

  /** Features of one layer, written as they are added, into a Feature or a FeatureCollection. */
  public static final class Features {
    private final String layer;
    private final String baseUrl;
    private final Buffer features = Buffer.buffer(4096);
    private int count;

    public Features(String layer, String baseUrl) {
      this.layer = layer;
      this.baseUrl = baseUrl;
    }

    /**
     * Adds a stored record (its coordinates {@code [lon,lat]} and properties as stored JSON
     * text, its {@code expires} unless 0), with its {@code distance} in metres unless that is NaN.
     */
    public Features add(String id, String coordinates, long created, String properties, long expires, double distance) {
      if (count++ > 0) {
        features.appendByte((byte) ',');
      }
      features.appendString("{\"type\":\"Feature\",\"id\":");
      quoted(features, id);
      features.appendString(",\"created\":").appendString(Long.toString(created));
      if (expires > 0) {
        features.appendString(",\"expires\":").appendString(Long.toString(expires));
      }
      features.appendString(",\"geometry\":{\"type\":\"Point\",\"coordinates\":").appendString(coordinates);
      features.appendString("},\"properties\":").appendString(properties.substring(0, properties.length() - 1));
      features.appendString(properties.length() > 2 ? ",\"layer\":" : "\"layer\":");
      quoted(features, layer);
      features.appendString("},\"selfLink\":{\"href\":");
      quoted(features, baseUrl + "/0.1/records/" + layer + "/" + id + ".json");
      features.appendString("},\"layerLink\":{\"href\":");
      quoted(features, baseUrl + "/0.1/layer/" + layer + ".json");
      features.appendByte((byte) '}');
      if (!Double.isNaN(distance)) {
        features.appendString(",\"distance\":").appendString(Double.toString(distance));
      }
      features.appendByte((byte) '}');
      return this;
    }

    /** Adds a row of the query verticles' answers: {@code id, coordinates, created, properties[, distance]}. */
    public Features add(JsonObject row) {
      Double distance = row.getDouble("distance");
      return add(
          row.getString("id"), row.getString("coordinates"), row.getLong("created"), row.getString("properties"),
          row.getLong("expires", 0L), distance == null ? Double.NaN : distance);
    }

    public boolean isEmpty() {
      return count == 0;
    }

    /** The single feature added, as a Feature. */
    public Buffer single() {
      if (count != 1) {
        throw new IllegalStateException(count + " features, not one");
      }
      return features;
    }

    /** A FeatureCollection of the features added. */
    public Buffer collection() {
      return Buffer.buffer(features.length() + 64)
          .appendString("{\"type\":\"FeatureCollection\",\"features\":[")
          .appendBuffer(features)
          .appendString("]}");
    }

    /**
     * A FeatureCollection of the features added, with the cursor of the next page as {@code
     * next_cursor} and {@code cursor} (SimpleGeo's Java client reads the latter, the others the
     * former); null when this page is the last. {@code query}, when not null, is added as the
     * answer's {@code query} object (where an IP or street address searched from was found).
     */
    public Buffer page(String nextCursor, JsonObject query) {
      Buffer page =
          Buffer.buffer(features.length() + 128)
              .appendString("{\"type\":\"FeatureCollection\",\"features\":[")
              .appendBuffer(features)
              .appendString("],\"next_cursor\":");
      cursor(page, nextCursor);
      page.appendString(",\"cursor\":");
      cursor(page, nextCursor);
      if (query != null) {
        page.appendString(",\"query\":").appendString(query.encode());
      }
      return page.appendByte((byte) '}');
    }

    private static void cursor(Buffer out, String cursor) {
      if (cursor == null) {
        out.appendString("null");
      } else {
        quoted(out, cursor);
      }
    }
  }

  private static void quoted(Buffer out, String text) {
    out.appendByte((byte) '"').appendBytes(QUOTE.quoteAsUTF8(text)).appendByte((byte) '"');
  }

  public static JsonObject point(String coordinates) {
    JsonArray lonLat = ExactJson.parseArray(coordinates);
    return new JsonObject().put("type", "Point").put("coordinates", lonLat);
  }
}
