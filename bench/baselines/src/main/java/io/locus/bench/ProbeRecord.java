package io.locus.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.SplittableRandom;

/**
 * A record as a client writes it to Locus: an id unique in the run, a random position, a
 * creation time and a few properties. As a RabbitMQ message it is a put operation of about 300
 * bytes of JSON, the size of Locus's messages for such a record.
 */
record ProbeRecord(String layer, String id, double lat, double lon, long created, JsonObject properties) {
  static final String LAYER = "bench.points";

  /** The {@code n}th record of the run called {@code run}: same {@code n}, same record. */
  static ProbeRecord of(String run, long n) {
    SplittableRandom random = new SplittableRandom(n * 0x9E3779B97F4A7C15L);
    double lat = round6(random.nextDouble(-60, 70));
    double lon = round6(random.nextDouble(-180, 180));
    JsonObject properties =
        new JsonObject()
            .put("speed", random.nextInt(0, 130))
            .put("heading", random.nextInt(0, 360))
            .put("battery", round6(random.nextDouble()))
            .put("accuracyM", random.nextInt(3, 50))
            .put("kind", "vehicle")
            .put("name", "probe vehicle " + n)
            .put("note", "synthetic record for the write-path probe");
    return new ProbeRecord(LAYER, "p" + run + "-" + n, lat, lon, System.currentTimeMillis() / 1000, properties);
  }

  /** The message body: {@code {"op":"put","layer":…,"id":…,"lat":…,"lon":…,"created":…,"properties":…}}. */
  String message() {
    return new JsonObject()
        .put("op", "put")
        .put("layer", layer)
        .put("id", id)
        .put("lat", lat)
        .put("lon", lon)
        .put("created", created)
        .put("properties", properties)
        .encode();
  }

  /** GeoJSON coordinates as Locus stores them: {@code [lon,lat]}. */
  String coordinates() {
    return new JsonArray().add(lon).add(lat).encode();
  }

  /**
   * A stand-in for the record's index cell (Locus stores an S2 cell id): a 64-bit number derived
   * from the position, so each row writes a value of the same type and size.
   */
  long cell() {
    long y = (long) ((lat + 90) * 1e7);
    long x = (long) ((lon + 180) * 1e7);
    return (y << 32) ^ x;
  }

  private static double round6(double value) {
    return Math.round(value * 1e6) / 1e6;
  }
}
