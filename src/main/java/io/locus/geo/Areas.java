package io.locus.geo;

import io.locus.common.Failure;
import ch.hsr.geohash.BoundingBox;
import ch.hsr.geohash.GeoHash;
import com.google.common.geometry.S2Loop;
import com.google.common.geometry.S2Point;
import com.google.common.geometry.S2Polygon;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Builds {@link SearchArea}s from what clients send, refusing what makes no sense. */
public final class Areas {
  /** Most vertices accepted in one polygon body. */
  public static final int MAX_VERTICES = 10_000;

  private static final Pattern GEOHASH = Pattern.compile("[0123456789bcdefghjkmnpqrstuvwxyz]{1,12}");

  private Areas() {}

  public static boolean isGeohash(String text) {
    return GEOHASH.matcher(text).matches();
  }

  /** The cell of a geohash, as a rectangle. */
  public static SearchArea.Rect geohash(String hash) {
    if (!isGeohash(hash)) {
      throw Failure.badRequest("not a geohash: " + hash);
    }
    BoundingBox box = GeoHash.fromGeohashString(hash).getBoundingBox();
    return SearchArea.Rect.of(
        box.getSouthLatitude(), box.getWestLongitude(), box.getNorthLatitude(), box.getEastLongitude());
  }

  /** A bounding box; {@code west > east} crosses the antimeridian. */
  public static SearchArea.Rect box(double south, double west, double north, double east) {
    Coordinates.latitude("south", south);
    Coordinates.latitude("north", north);
    Coordinates.longitude("west", west);
    Coordinates.longitude("east", east);
    if (south > north) {
      throw Failure.badRequest("south must not be greater than north");
    }
    return SearchArea.Rect.of(south, west, north, east);
  }

  /** A GeoJSON Polygon or MultiPolygon (RFC 7946), holes respected. */
  public static SearchArea.Polygon polygon(JsonObject geometry) {
    Object type = geometry.getValue("type");
    Object coordinates = geometry.getValue("coordinates");
    if (!(coordinates instanceof JsonArray) || ((JsonArray) coordinates).isEmpty()) {
      throw Failure.badRequest("\"coordinates\" must be a non-empty array");
    }
    JsonArray parts = (JsonArray) coordinates;
    int[] vertices = {0};
    S2Polygon result;
    if ("Polygon".equals(type)) {
      result = polygonOf(parts, vertices);
    } else if ("MultiPolygon".equals(type)) {
      // Every part is read (and the vertices counted) before any geometry work; then one union of
      // all, which costs about what the parts hold, not the parts times the union so far.
      List<S2Polygon> polygons = new ArrayList<>(parts.size());
      for (int i = 0; i < parts.size(); i++) {
        polygons.add(polygonOf(array(parts.getValue(i), "a polygon"), vertices));
      }
      result = polygons.size() == 1 ? polygons.get(0) : S2Polygon.union(polygons);
    } else {
      throw Failure.badRequest("the body must be a GeoJSON Polygon or MultiPolygon");
    }
    return new SearchArea.Polygon(result);
  }

  private static S2Polygon polygonOf(JsonArray rings, int[] vertices) {
    List<S2Loop> loops = new ArrayList<>();
    for (int i = 0; i < rings.size(); i++) {
      S2Loop loop = loopOf(array(rings.getValue(i), "a linear ring"), vertices);
      loop.normalize();
      loops.add(loop);
    }
    if (!S2Polygon.isValid(loops)) {
      throw Failure.badRequest("the polygon is not valid: rings cross or overlap");
    }
    return new S2Polygon(loops);
  }

  private static S2Loop loopOf(JsonArray ring, int[] vertices) {
    List<S2Point> points = new ArrayList<>();
    for (int i = 0; i < ring.size(); i++) {
      JsonArray position = array(ring.getValue(i), "a position [lon, lat]");
      if (position.size() < 2) {
        throw Failure.badRequest("a position needs a longitude and a latitude");
      }
      double lon = Coordinates.longitude("longitude", number(position.getValue(0)));
      double lat = Coordinates.latitude("latitude", number(position.getValue(1)));
      S2Point point = Earth.point(lat, lon);
      if (points.isEmpty() || !points.get(points.size() - 1).equalsPoint(point)) {
        points.add(point);
      }
      if (++vertices[0] > MAX_VERTICES) {
        throw Failure.badRequest("at most " + MAX_VERTICES + " vertices");
      }
    }
    if (points.size() > 1 && points.get(0).equalsPoint(points.get(points.size() - 1))) {
      points.remove(points.size() - 1); // GeoJSON rings repeat their first position
    }
    if (points.size() < 3) {
      throw Failure.badRequest("a ring needs at least three distinct positions");
    }
    S2Loop loop = new S2Loop(points);
    if (!loop.isValid()) {
      throw Failure.badRequest("a ring crosses itself or repeats a position");
    }
    return loop;
  }

  private static JsonArray array(Object value, String what) {
    if (!(value instanceof JsonArray)) {
      throw Failure.badRequest("expected " + what);
    }
    return (JsonArray) value;
  }

  private static double number(Object value) {
    if (!(value instanceof Number)) {
      throw Failure.badRequest("coordinates must be numbers");
    }
    return ((Number) value).doubleValue();
  }
}
