package io.locus.record;

import io.locus.common.Failure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;

/**
 * A validated record write: a point in a layer, with its creation time and properties. Built
 * from a GeoJSON Feature as SimpleGeo clients send it: coordinates {@code [lon, lat]} as numbers
 * or numeric strings, {@code created} in epoch seconds (optional), {@code properties} optional,
 * and SimpleGeo's top-level {@code expires} (optional): the epoch second from which the record
 * is gone, absent or 0 for never.
 *
 * @param lat latitude exactly as sent
 * @param lon longitude exactly as sent
 * @param created epoch seconds
 * @param properties the properties object, kept as given
 * @param expires epoch seconds from which the record is gone, 0 for never
 */
public record PointRecord(
    String layer, String id, BigDecimal lat, BigDecimal lon, long created, JsonObject properties, long expires) {

  private static final BigDecimal MAX_LAT = BigDecimal.valueOf(90);
  private static final BigDecimal MAX_LON = BigDecimal.valueOf(180);

  /** Latest {@code created} accepted: the last second of year 9999. */
  public static final long MAX_CREATED = 253_402_300_799L;

  /**
   * Validates a Feature. {@code pathId} is the id from the URL (null for bulk writes, where the
   * Feature must carry its own {@code id}); a Feature id that disagrees with it is refused.
   */
  public static PointRecord fromFeature(String layer, String pathId, JsonObject feature, long nowSeconds) {
    Object type = feature.getValue("type");
    if (!"Feature".equals(type)) {
      throw Failure.badRequest("\"type\" must be \"Feature\"");
    }
    String id = featureId(pathId, feature.getValue("id"));
    Object geometry = feature.getValue("geometry");
    if (!(geometry instanceof JsonObject)) {
      throw Failure.badRequest("\"geometry\" must be a GeoJSON Point object");
    }
    JsonObject point = (JsonObject) geometry;
    if (!"Point".equals(point.getValue("type"))) {
      throw Failure.badRequest("\"geometry.type\" must be \"Point\"");
    }
    Object coordinates = point.getValue("coordinates");
    if (!(coordinates instanceof JsonArray) || ((JsonArray) coordinates).size() < 2
        || ((JsonArray) coordinates).size() > 3) {
      throw Failure.badRequest("\"geometry.coordinates\" must be [longitude, latitude]");
    }
    JsonArray lonLat = (JsonArray) coordinates;
    BigDecimal lon = number("longitude", lonLat.getValue(0));
    BigDecimal lat = number("latitude", lonLat.getValue(1));
    if (lat.abs().compareTo(MAX_LAT) > 0) {
      throw Failure.badRequest("latitude must be between -90 and 90, got " + lat.toPlainString());
    }
    if (lon.abs().compareTo(MAX_LON) > 0) {
      throw Failure.badRequest("longitude must be between -180 and 180, got " + lon.toPlainString());
    }
    long created = created(feature.getValue("created"), nowSeconds);
    Object properties = feature.getValue("properties");
    if (properties != null && !(properties instanceof JsonObject)) {
      throw Failure.badRequest("\"properties\" must be an object");
    }
    JsonObject props = properties == null ? new JsonObject() : ((JsonObject) properties).copy();
    props.remove("layer");
    long expires = expires(feature.getValue("expires"), nowSeconds);
    return new PointRecord(Names.layer(layer), id, lat, lon, created, props, expires);
  }

  /**
   * The coordinates as the JSON text {@code [lon,lat]}, with the digits the client sent, always
   * in plain notation ({@code 1e-7} becomes {@code 0.0000001}).
   */
  public String coordinatesJson() {
    return "[" + lon.toPlainString() + "," + lat.toPlainString() + "]";
  }

  private static String featureId(String pathId, Object bodyId) {
    if (bodyId != null && !(bodyId instanceof String) && !(bodyId instanceof Number)) {
      throw Failure.badRequest("\"id\" must be a string");
    }
    String fromBody = bodyId == null ? null : bodyId.toString();
    if (pathId == null) {
      if (fromBody == null) {
        throw Failure.badRequest("every feature needs an \"id\"");
      }
      return Names.id(fromBody);
    }
    if (fromBody != null && !fromBody.equals(pathId)) {
      throw Failure.badRequest("\"id\" in the body (" + fromBody + ") differs from the URL (" + pathId + ")");
    }
    return Names.id(pathId);
  }

  private static BigDecimal number(String what, Object value) {
    if (value instanceof BigDecimal) {
      return (BigDecimal) value;
    }
    if (value instanceof Number) {
      try {
        return new BigDecimal(value.toString());
      } catch (NumberFormatException notFinite) {
        throw Failure.badRequest(what + " must be a number, got " + value);
      }
    }
    if (value instanceof String) {
      String text = ((String) value).trim();
      if (text.length() <= 64) {
        try {
          return new BigDecimal(text);
        } catch (NumberFormatException notNumeric) {
          // fall through to the error below
        }
      }
    }
    throw Failure.badRequest(what + " must be a number, got " + (value == null ? "nothing" : "\"" + value + "\""));
  }

  private static long created(Object value, long nowSeconds) {
    if (value == null) {
      return nowSeconds;
    }
    BigDecimal seconds = number("created", value);
    if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(MAX_CREATED)) > 0) {
      throw Failure.badRequest("created must be epoch seconds between 0 and " + MAX_CREATED);
    }
    return seconds.longValue();
  }

  /** {@code expires}: absent or 0 for never, else a whole epoch second after {@code nowSeconds}. */
  private static long expires(Object value, long nowSeconds) {
    if (value == null) {
      return 0;
    }
    BigDecimal seconds = number("expires", value);
    if (seconds.signum() == 0) {
      return 0;
    }
    if (seconds.compareTo(BigDecimal.valueOf(nowSeconds)) <= 0 || seconds.compareTo(BigDecimal.valueOf(MAX_CREATED)) > 0) {
      throw Failure.badRequest(
          "expires must be epoch seconds after now (" + nowSeconds + ") and at most " + MAX_CREATED + ", or 0 for never");
    }
    return seconds.longValue();
  }
}
