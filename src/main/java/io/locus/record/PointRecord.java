package io.locus.record;

import io.locus.common.Failure;
import io.locus.common.Numbers;
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
 * @param stamp the epoch second the write is ordered by: {@code created}, or the second of
 *     acceptance when {@code created} lies ahead of it (see {@link WriteOp#upsert})
 */
public record PointRecord(
    String layer, String id, BigDecimal lat, BigDecimal lon, long created, JsonObject properties, long expires,
    long stamp) {

  private static final BigDecimal MAX_LAT = BigDecimal.valueOf(90);
  private static final BigDecimal MAX_LON = BigDecimal.valueOf(180);

  /** Latest {@code created} accepted: the last second of year 9999. */
  public static final long MAX_CREATED = 253_402_300_799L;

  /**
   * Largest size of a record's properties, as stored (compact JSON, UTF-8 bytes): 10 KiB. A
   * writer writes them into up to three tables in one Cassandra batch ({@code records}, {@code
   * records_by_cell} and, for a record that expires, {@code expiries}); three times this, plus
   * the record's coordinates, id and layer (at most about 4 KiB together), stays well under
   * Cassandra's {@code batch_size_fail_threshold} of 50 KiB, beyond which the batch would be
   * refused after the write was accepted.
   */
  public static final int MAX_PROPERTIES_BYTES = 10 * 1024;

  /**
   * Validates a Feature. {@code pathId} is the id from the URL (null for bulk writes, where the
   * Feature must carry its own {@code id}); a Feature id that disagrees with it is refused. Its
   * {@code created} may lie at most {@code createdSkewSeconds} ahead of {@code nowSeconds}, the
   * server's clock at acceptance; the write is then ordered as of {@code nowSeconds} ({@link
   * #stamp}), so that nothing is ever stamped later than its acceptance.
   */
  public static PointRecord fromFeature(
      String layer, String pathId, JsonObject feature, long nowSeconds, long createdSkewSeconds) {
    PointRecord record = fromFeature(layer, pathId, feature, nowSeconds);
    if (record.created() - nowSeconds > createdSkewSeconds) {
      throw Failure.badRequest(
          "created must be at most " + createdSkewSeconds + " s (http.createdSkewSeconds) after the server's clock ("
              + nowSeconds + "), got " + record.created());
    }
    return record.created() > nowSeconds
        ? new PointRecord(
            record.layer(), record.id(), record.lat(), record.lon(), record.created(), record.properties(),
            record.expires(), nowSeconds)
        : record;
  }

  /**
   * Validates a Feature whose {@code created} is not bounded ahead of {@code nowSeconds} (only by
   * year 9999) and orders it by its {@code created}: for records replayed or made by Locus itself.
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
    return new PointRecord(Names.layer(layer), id, lat, lon, created, props, expires, created);
  }

  /**
   * The coordinates as the JSON text {@code [lon,lat]}, with the digits the client sent, always
   * in plain notation ({@code 1e-7} becomes {@code 0.0000001}).
   */
  public String coordinatesJson() {
    return "[" + lon.toPlainString() + "," + lat.toPlainString() + "]";
  }

  /**
   * Returns {@code encoded} (a record's properties as stored) if it is at most {@link
   * #MAX_PROPERTIES_BYTES} in UTF-8; otherwise throws {@link Failure} 413 naming the limit.
   */
  public static String boundedProperties(String encoded) {
    long bytes = utf8Length(encoded);
    if (bytes > MAX_PROPERTIES_BYTES) {
      throw new Failure(
          413,
          "properties are " + bytes + " bytes as JSON; a record's properties may take at most " + MAX_PROPERTIES_BYTES
              + " bytes (10 KiB)");
    }
    return encoded;
  }

  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes++;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
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

  /** A number, or a numeric string, within {@link Numbers}' bounds (checked before anything formats it). */
  private static BigDecimal number(String what, Object value) {
    if (value instanceof BigDecimal) {
      return Numbers.check(what, (BigDecimal) value);
    }
    if (value instanceof Number) {
      BigDecimal decimal;
      try {
        decimal = new BigDecimal(value.toString());
      } catch (NumberFormatException notFinite) {
        throw Failure.badRequest(what + " must be a number, got " + value);
      }
      return Numbers.check(what, decimal);
    }
    if (value instanceof String) {
      String text = ((String) value).trim();
      if (text.length() <= 64) {
        BigDecimal decimal = null;
        try {
          decimal = new BigDecimal(text);
        } catch (NumberFormatException notNumeric) {
          // fall through to the error below
        }
        if (decimal != null) {
          return Numbers.check(what, decimal);
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
