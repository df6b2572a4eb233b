package io.locus.bench;

import io.vertx.ext.web.RoutingContext;

/**
 * A nearby request as Locus takes it: {@code /nearby/{lat},{lon}?radius=<km>&limit=<n>}. Without
 * {@code radius} it asks for the {@code limit} nearest points (k-nearest).
 *
 * @param radiusKm the search radius, or {@code null} for k-nearest
 */
record NearbyQuery(double lat, double lon, Double radiusKm, int limit) {
  static final int DEFAULT_LIMIT = 10;
  static final int MAX_LIMIT = 1000;
  /** Half the Earth's circumference: every point is within it. */
  static final double MAX_RADIUS_KM = 20_015;

  /** Reads the {@code point} path parameter and the query; throws {@link IllegalArgumentException}. */
  static NearbyQuery from(RoutingContext ctx) {
    String[] latLon = ctx.pathParam("point").split(",", -1);
    if (latLon.length != 2) {
      throw new IllegalArgumentException("the point must be {lat},{lon}");
    }
    double lat = number(latLon[0], "lat", -90, 90);
    double lon = number(latLon[1], "lon", -180, 180);
    String radius = ctx.queryParams().get("radius");
    Double radiusKm = radius == null ? null : number(radius, "radius", 0, MAX_RADIUS_KM);
    if (radiusKm != null && radiusKm == 0) {
      throw new IllegalArgumentException("radius must be more than 0");
    }
    String limit = ctx.queryParams().get("limit");
    int n = limit == null ? DEFAULT_LIMIT : (int) number(limit, "limit", 1, MAX_LIMIT);
    if (limit != null && n != Double.parseDouble(limit)) {
      throw new IllegalArgumentException("limit must be a whole number");
    }
    return new NearbyQuery(lat, lon, radiusKm, n);
  }

  private static double number(String text, String name, double min, double max) {
    double value;
    try {
      value = Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a number, not '" + text + "'");
    }
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(name + " must be between " + plain(min) + " and " + plain(max));
    }
    return value;
  }

  private static String plain(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }
}
