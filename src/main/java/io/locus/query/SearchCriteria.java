package io.locus.query;

import io.locus.common.BusRequest;
import io.locus.geo.Areas;
import io.locus.geo.Earth;
import io.locus.geo.SearchArea;
import io.vertx.core.json.JsonObject;

/**
 * A validated spatial search, in the JSON form it travels in over the event bus.
 *
 * @param layer the layer searched
 * @param area {@code {"circle":{lat,lon,radius}}} (radius in metres, absent for k-nearest),
 *     {@code {"rect":{south,west,north,east}}} or {@code {"polygon":<GeoJSON>}}
 * @param limit most records in one answer
 * @param order how answers are ordered
 * @param start earliest {@code created} accepted (epoch seconds), or null
 * @param end latest {@code created} accepted, or null
 * @param property a property filter, or null
 * @param cursor the {@code next_cursor} of the previous page, or null
 */
public record SearchCriteria(
    String layer,
    JsonObject area,
    int limit,
    SearchOrder order,
    Long start,
    Long end,
    PropertyFilter property,
    String cursor) implements BusRequest {

  @Override
  public JsonObject toJson() {
    return new JsonObject()
        .put("layer", layer)
        .put("area", area)
        .put("limit", limit)
        .put("order", order.wire)
        .put("start", start)
        .put("end", end)
        .put("prop", property == null ? null : property.toJson())
        .put("cursor", cursor);
  }

  public static SearchCriteria fromJson(JsonObject json) {
    return new SearchCriteria(
        json.getString("layer"),
        json.getJsonObject("area"),
        json.getInteger("limit"),
        SearchOrder.parse(json.getString("order")),
        json.getLong("start"),
        json.getLong("end"),
        PropertyFilter.fromJson(json.getJsonObject("prop")),
        json.getString("cursor"));
  }

  /** Identifies the query a cursor belongs to: everything but the page size and the cursor. */
  int fingerprint() {
    JsonObject identity = toJson();
    identity.remove("limit");
    identity.remove("cursor");
    return identity.encode().hashCode();
  }

  /** Builds the geometry (polygons can be costly: call this off the event loop). */
  public SearchArea searchArea() {
    JsonObject circle = area.getJsonObject("circle");
    if (circle != null) {
      Double radius = circle.getDouble("radius");
      return new SearchArea.Circle(
          Earth.point(circle.getDouble("lat"), circle.getDouble("lon")),
          radius == null ? Earth.MAX_DISTANCE_M : radius);
    }
    JsonObject rect = area.getJsonObject("rect");
    if (rect != null) {
      return Areas.box(rect.getDouble("south"), rect.getDouble("west"), rect.getDouble("north"), rect.getDouble("east"));
    }
    return Areas.polygon(area.getJsonObject("polygon"));
  }

  /** Area: within {@code radiusM} metres of a point; a null radius means k-nearest. */
  public static JsonObject circle(double lat, double lon, Double radiusM) {
    return new JsonObject().put("circle", new JsonObject().put("lat", lat).put("lon", lon).put("radius", radiusM));
  }

  /** Area: a latitude/longitude box; west greater than east crosses the antimeridian. */
  public static JsonObject rect(double south, double west, double north, double east) {
    return new JsonObject()
        .put("rect", new JsonObject().put("south", south).put("west", west).put("north", north).put("east", east));
  }

  /** Area: a GeoJSON Polygon or MultiPolygon. */
  public static JsonObject polygon(JsonObject geometry) {
    return new JsonObject().put("polygon", geometry);
  }
}
