package io.locus.geo;

import com.google.common.geometry.S1Angle;
import com.google.common.geometry.S2LatLng;
import com.google.common.geometry.S2Point;

/**
 * Distances on the Earth as a sphere of the IUGG mean radius (R1 = 6,371,008.8 m), measured
 * along great circles. Error against the WGS84 ellipsoid stays under 0.5%.
 */
public final class Earth {
  /** Mean Earth radius in metres (IUGG R1). */
  public static final double MEAN_RADIUS_M = 6_371_008.8;

  /** Half the circumference: no two points are farther apart. */
  public static final double MAX_DISTANCE_M = Math.PI * MEAN_RADIUS_M;

  private Earth() {}

  public static S2Point point(double lat, double lon) {
    return S2LatLng.fromDegrees(lat, lon).toPoint();
  }

  /** Great-circle distance in metres. */
  public static double metres(S2Point a, S2Point b) {
    return a.angle(b) * MEAN_RADIUS_M;
  }

  /** The central angle of a great-circle distance in metres. */
  public static S1Angle angle(double metres) {
    return S1Angle.radians(Math.min(metres, MAX_DISTANCE_M) / MEAN_RADIUS_M);
  }
}
