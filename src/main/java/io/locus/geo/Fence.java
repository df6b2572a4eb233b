package io.locus.geo;

import com.google.common.geometry.S2EdgeUtil;
import com.google.common.geometry.S2Loop;
import com.google.common.geometry.S2Point;
import com.google.common.geometry.S2Polygon;
import io.locus.common.CallbackTargets;
import io.locus.common.Failure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * A geofence of a layer: an area (a GeoJSON Polygon or MultiPolygon, or a circle of {@code
 * radius} metres around a Point), the events it detects, and the URLs its events are POSTed to.
 * A record's change is judged by its previous and its new position, as Tile38 judges them: see
 * {@link Detect}.
 *
 * @param geometry the geometry as given
 * @param radiusM the circle's radius in metres (a Point fence), else 0
 */
public record Fence(String id, JsonObject geometry, double radiusM, SearchArea area, Set<Detect> detect, JsonArray callbackUrls) {
  /** The largest circle a Point fence may have, in metres. */
  public static final double MAX_RADIUS_M = 1_000_000;

  /** The events a fence detects, as {@code detect} and the change stream name them. */
  public enum Detect {
    /** The record is inside and was not (or had no position). */
    ENTER,
    /** The record was inside and is not (moved out, deleted or expired). */
    EXIT,
    /** The record is inside (every change that leaves it inside, entering included). */
    INSIDE,
    /** The record is not inside, and it either was or now lies near the fence (in its covering). */
    OUTSIDE,
    /** The record moved from outside to outside, across the fence. */
    CROSS;

    /** The name on the wire: lower case. */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Detect fromWire(Object name) {
      for (Detect detect : values()) {
        if (detect.wire().equals(name)) {
          return detect;
        }
      }
      throw Failure.badRequest("\"detect\" takes enter, exit, inside, outside and cross, got " + name);
    }
  }

  /**
   * The fence {@code id} as a PUT body describes it: {@code geometry} (Polygon, MultiPolygon, or
   * Point with {@code radius} in metres), {@code detect} (default enter and exit) and {@code
   * callback_urls} (checked by {@code targets}); anything else is a {@link Failure} 400.
   */
  public static Fence parse(String id, JsonObject body, CallbackTargets targets) {
    Object value = body.getValue("geometry");
    if (!(value instanceof JsonObject geometry)) {
      throw Failure.badRequest("\"geometry\" must be a GeoJSON Polygon, MultiPolygon or Point");
    }
    double radius = 0;
    SearchArea area;
    if ("Point".equals(geometry.getValue("type"))) {
      Object r = body.getValue("radius");
      if (!(r instanceof Number number) || !(number.doubleValue() > 0) || number.doubleValue() > MAX_RADIUS_M) {
        throw Failure.badRequest("a Point fence needs \"radius\": metres, above 0 and at most " + (long) MAX_RADIUS_M);
      }
      radius = number.doubleValue();
      Object coordinates = geometry.getValue("coordinates");
      if (!(coordinates instanceof JsonArray lonLat) || lonLat.size() != 2
          || !(lonLat.getValue(0) instanceof Number lon) || !(lonLat.getValue(1) instanceof Number lat)
          || Math.abs(lat.doubleValue()) > 90 || Math.abs(lon.doubleValue()) > 180) {
        throw Failure.badRequest("a Point fence's \"coordinates\" must be [longitude, latitude]");
      }
      area = new SearchArea.Circle(Earth.point(lat.doubleValue(), lon.doubleValue()), radius);
    } else {
      area = Areas.polygon(geometry);
    }
    Set<Detect> detect = EnumSet.of(Detect.ENTER, Detect.EXIT);
    Object kinds = body.getValue("detect");
    if (kinds != null) {
      if (!(kinds instanceof JsonArray list) || list.isEmpty()) {
        throw Failure.badRequest("\"detect\" must be a non-empty list of enter, exit, inside, outside, cross");
      }
      detect = EnumSet.noneOf(Detect.class);
      for (Object kind : list) {
        detect.add(Detect.fromWire(kind));
      }
    }
    return new Fence(id, geometry.copy(), radius, area, Set.copyOf(detect), targets.urls(body.getValue("callback_urls")));
  }

  /** The fence as stored and answered: {@code {"id","geometry"[,"radius"],"detect","callback_urls"}}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("id", id).put("geometry", geometry.copy());
    if (radiusM > 0) {
      json.put("radius", radiusM);
    }
    JsonArray kinds = new JsonArray();
    for (Detect kind : Detect.values()) {
      if (detect.contains(kind)) {
        kinds.add(kind.wire());
      }
    }
    return json.put("detect", kinds).put("callback_urls", callbackUrls.copy());
  }

  /** Whether {@code point} lies in the fence. */
  public boolean contains(S2Point point) {
    return area.contains(point);
  }

  /** Whether the shortest path from {@code from} to {@code to} passes through the fence. */
  public boolean crosses(S2Point from, S2Point to) {
    if (contains(from) || contains(to)) {
      return true;
    }
    if (area instanceof SearchArea.Circle circle) {
      return S2EdgeUtil.getDistance(circle.center(), from, to).radians() <= Earth.angle(circle.radiusM()).radians();
    }
    if (area instanceof SearchArea.Polygon polygon) {
      S2Polygon shape = polygon.polygon();
      for (int l = 0; l < shape.numLoops(); l++) {
        S2Loop loop = shape.loop(l);
        for (int v = 0; v < loop.numVertices(); v++) {
          if (S2EdgeUtil.robustCrossing(from, to, loop.vertex(v), loop.vertex(v + 1)) >= 0) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
