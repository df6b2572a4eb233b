package io.locus.record;

import io.locus.common.Failure;
import io.locus.record.PointRecord;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One operation carried from the API through RabbitMQ to a writer. Its JSON form is the message
 * body on the queue and on the event bus.
 *
 * <p>{@code ts} is the Cassandra write timestamp (microseconds), fixed at acceptance: for an
 * upsert it is the record's own time, {@code created} seconds plus the sub-second part of the
 * acceptance time (a {@code created} ahead of the server's clock, at most {@code
 * http.createdSkewSeconds}, counts as the second of acceptance: {@link PointRecord#stamp}); for
 * a delete it is the acceptance time. No operation is thus stamped later than it was accepted,
 * and a delete never hides a write accepted after it. Redelivering or replaying a message
 * therefore writes the same cells with the same timestamp, and the record with the newest time
 * wins whatever order messages arrive in.
 *
 * @param kind what to do
 * @param layer the layer
 * @param id the record id ({@code null} for a layer purge)
 * @param ts write timestamp in microseconds
 * @param upsert the new state, for {@link Kind#UPSERT}; for {@link Kind#EXPIRE} the state that expires
 */
public record WriteOp(Kind kind, String layer, String id, long ts, Upsert upsert) {

  /** Operation kinds, with their names on the wire. */
  public enum Kind {
    UPSERT("upsert"),
    DELETE("delete"),
    /** Remove every record of a deleted layer; sent to every shard queue. */
    PURGE_LAYER("purge-layer"),
    /**
     * The state written at {@code ts} reached its {@code expires}: remove the record if that is
     * still its state. Sent by the writer that sweeps the shard's expiry schedule.
     */
    EXPIRE("expire");

    final String wire;

    Kind(String wire) {
      this.wire = wire;
    }

    static Kind fromWire(String wire) {
      for (Kind kind : values()) {
        if (kind.wire.equals(wire)) {
          return kind;
        }
      }
      throw Failure.badRequest("unknown operation \"" + wire + "\"");
    }
  }

  /**
   * The state an upsert writes. {@code coordinates} is the exact JSON text {@code [lon,lat]};
   * {@code expires} the epoch second from which the record is gone, 0 for never.
   */
  public record Upsert(double lat, double lon, String coordinates, long created, String properties, long expires) {}

  /**
   * The upsert of {@code record}, accepted at {@code acceptedMicros}; its properties, as stored,
   * must fit {@link PointRecord#MAX_PROPERTIES_BYTES} ({@link Failure} 413 otherwise).
   */
  public static WriteOp upsert(PointRecord record, long acceptedMicros) {
    long ts = record.stamp() * 1_000_000L + Math.floorMod(acceptedMicros, 1_000_000L);
    String properties = PointRecord.boundedProperties(record.properties().encode());
    return new WriteOp(
        Kind.UPSERT,
        record.layer(),
        record.id(),
        ts,
        new Upsert(
            record.lat().doubleValue(),
            record.lon().doubleValue(),
            record.coordinatesJson(),
            record.created(),
            properties,
            record.expires()));
  }

  public static WriteOp delete(String layer, String id, long acceptedMicros) {
    return new WriteOp(Kind.DELETE, layer, id, acceptedMicros, null);
  }

  public static WriteOp purgeLayer(String layer, long acceptedMicros) {
    return new WriteOp(Kind.PURGE_LAYER, layer, null, acceptedMicros, null);
  }

  /** The expiry of {@code id}'s state {@code state}, written at {@code ts}. */
  public static WriteOp expire(String layer, String id, long ts, Upsert state) {
    return new WriteOp(Kind.EXPIRE, layer, id, ts, state);
  }

  /** The key whose operations must apply in order: the record's (layer, id). */
  public String recordKey() {
    return layer + '\u0000' + id;
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("op", kind.wire).put("layer", layer).put("ts", ts);
    if (id != null) {
      json.put("id", id);
    }
    if (upsert != null) {
      json.put("lat", upsert.lat())
          .put("lon", upsert.lon())
          .put("coordinates", upsert.coordinates())
          .put("created", upsert.created())
          .put("properties", upsert.properties());
      if (upsert.expires() > 0) {
        json.put("expires", upsert.expires());
      }
    }
    return json;
  }

  /** Reads a message body; anything malformed is an {@link Failure} 400 (a poison message). */
  public static WriteOp fromJson(Buffer body) {
    JsonObject json;
    try {
      json = body.toJsonObject();
    } catch (DecodeException | ClassCastException e) {
      throw Failure.badRequest("message is not a JSON object");
    }
    return fromJson(json);
  }

  public static WriteOp fromJson(JsonObject json) {
    try {
      Kind kind = Kind.fromWire(json.getString("op"));
      String layer = require(json.getString("layer"), "layer");
      long ts = require(json.getLong("ts"), "ts");
      if (kind == Kind.PURGE_LAYER) {
        return new WriteOp(kind, layer, null, ts, null);
      }
      String id = require(json.getString("id"), "id");
      Upsert upsert = null;
      if (kind == Kind.UPSERT || kind == Kind.EXPIRE) {
        upsert =
            new Upsert(
                require(json.getDouble("lat"), "lat"),
                require(json.getDouble("lon"), "lon"),
                require(json.getString("coordinates"), "coordinates"),
                require(json.getLong("created"), "created"),
                require(json.getString("properties"), "properties"),
                json.getLong("expires", 0L));
      }
      return new WriteOp(kind, layer, id, ts, upsert);
    } catch (ClassCastException e) {
      throw Failure.badRequest("message field of the wrong type: " + e.getMessage());
    }
  }

  private static <T> T require(T value, String field) {
    if (value == null) {
      throw Failure.badRequest("message lacks \"" + field + "\"");
    }
    return value;
  }
}
