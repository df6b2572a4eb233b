package io.locus.geo;

import com.google.common.geometry.S2Cap;
import com.google.common.geometry.S2LatLng;
import com.google.common.geometry.S2LatLngRect;
import com.google.common.geometry.S2Point;
import com.google.common.geometry.S2Polygon;
import com.google.common.geometry.S2Region;

/**
 * Where a search looks: a circle (nearby), a latitude/longitude rectangle (within a bounding box
 * or a geohash cell) or a polygon. Each has an S2 region to cover with index cells, an exact
 * membership test for candidates, and a centre that results are ordered by distance from.
 */
public sealed interface SearchArea {
  /** The region to cover with index cells: it contains every point {@link #contains} accepts. */
  S2Region region();

  /** Exact membership. */
  boolean contains(S2Point point);

  /** Distances in answers are measured from here. */
  S2Point center();

  /** Points within {@code radiusM} metres of a centre (inclusive). */
  record Circle(S2Point center, double radiusM) implements SearchArea {
    public S2Cap cap(double metres) {
      return S2Cap.fromAxisAngle(center, Earth.angle(metres));
    }

    @Override
    public S2Region region() {
      return cap(radiusM);
    }

    @Override
    public boolean contains(S2Point point) {
      return Earth.metres(center, point) <= radiusM;
    }
  }

  /**
   * A rectangle in latitude and longitude (edges included). West greater than east means the
   * rectangle crosses the antimeridian.
   */
  record Rect(S2LatLngRect rect) implements SearchArea {
    public static Rect of(double south, double west, double north, double east) {
      if (west == 180 && east == -180) {
        east = 180; // the antimeridian itself; S2 would read [π, -π] as the empty interval
      }
      return new Rect(
          new S2LatLngRect(S2LatLng.fromDegrees(south, west), S2LatLng.fromDegrees(north, east)));
    }

    @Override
    public S2Region region() {
      return rect;
    }

    @Override
    public boolean contains(S2Point point) {
      return rect.contains(new S2LatLng(point));
    }

    @Override
    public S2Point center() {
      return rect.getCenter().toPoint();
    }
  }

  /** A polygon with holes, or several (a MultiPolygon). */
  record Polygon(S2Polygon polygon) implements SearchArea {
    @Override
    public S2Region region() {
      return polygon;
    }

    @Override
    public boolean contains(S2Point point) {
      return polygon.contains(point);
    }

    @Override
    public S2Point center() {
      return polygon.getCentroid().normalize();
    }
  }
}
