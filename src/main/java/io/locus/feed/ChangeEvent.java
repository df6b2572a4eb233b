package io.locus.feed;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * One change a writer applied to Cassandra, as the change feed carries it. Published after the
 * write and before the writer acknowledges its shard message, so the feed is at-least-once and
 * may repeat or (across shards) reorder events: consumers apply them idempotently by {@link
 * #ts}, the newest winning.
 *
 * <p>Wire format, one JSON object per message (version {@value #VERSION}):
 *
 * <pre>{"v":1,"kind":"upsert","layer":"parks","id":"p1","ts":1764172800000000,"shard":3,
 *  "state":{"lat":37.7749,"lon":-122.433287165,"coordinates":"[-122.433287165,37.7749]",
 *           "created":1764172800,"properties":"{\"name\":\"Alamo Square\"}","expires":1764176400},
 *  "previous":{"lat":37.7,"lon":-122.4}}</pre>
 *
 * <ul>
 *   <li>{@code kind}: {@code upsert} (the record's new state), {@code delete} (the record is
 *       gone), {@code expire} (the record is gone: its {@code expires} came), {@code purge} (the
 *       layer was deleted: every record of it with {@code ts} at or before this one is gone; one
 *       event per shard);
 *   <li>{@code ts}: the write timestamp in microseconds, the one Cassandra holds;
 *   <li>{@code shard}: the write queue the operation came through, also the routing key;
 *   <li>{@code state}: for an upsert, the exact coordinates text and properties JSON as stored,
 *       and {@code expires} (epoch seconds) when the record expires;
 *   <li>{@code previous}: the position before this write, when there was one (absent for a
 *       first write and for purges);
 *   <li>fence events ({@code enter}, {@code exit}, {@code inside}, {@code outside}, {@code
 *       cross}) carry the {@code state} and {@code previous} of the record change they were
 *       judged from, its {@code ts}, and {@code fence}, the fence's id.
 * </ul>
 *
 * @param id null for a purge
 * @param state null unless an upsert
 * @param previous null when there was no earlier position
 * @param fence the fence, for a fence event ({@link Kind#isFence}); else null
 */
public record ChangeEvent(Kind kind, String layer, String id, long ts, int shard, State state, Position previous, String fence) {
  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  /** What happened. */
  public enum Kind {
    UPSERT,
    DELETE,
    EXPIRE,
    PURGE,
    /** Fence events: what a record's change did relative to one of the layer's fences. */
    ENTER,
    EXIT,
    INSIDE,
    OUTSIDE,
    CROSS;

    /** The kind as the wire and the change stream's {@code event} field name it. */
    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether this is a fence event, judged from a record's change, rather than a change itself. */
    public boolean isFence() {
      return ordinal() >= ENTER.ordinal();
    }
  }

  /** A record's state after an upsert; {@code expires} is 0 for a record that never expires. */
  public record State(double lat, double lon, String coordinates, long created, String properties, long expires) {}

  /** A position a record had. */
  public record Position(double lat, double lon) {}

  /** An upsert of {@code id} to {@code state}. */
  public static ChangeEvent upsert(String layer, String id, long ts, int shard, State state, Position previous) {
    return new ChangeEvent(Kind.UPSERT, layer, id, ts, shard, state, previous, null);
  }

  /** The deletion of {@code id}. */
  public static ChangeEvent delete(String layer, String id, long ts, int shard, Position previous) {
    return new ChangeEvent(Kind.DELETE, layer, id, ts, shard, null, previous, null);
  }

  /** The expiry of {@code id}, which was at {@code previous}. */
  public static ChangeEvent expire(String layer, String id, long ts, int shard, Position previous) {
    return new ChangeEvent(Kind.EXPIRE, layer, id, ts, shard, null, previous, null);
  }

  /** The fence event {@code kind} of fence {@code fence}, judged from the record change {@code change}. */
  public static ChangeEvent fenced(Kind kind, String fence, ChangeEvent change) {
    return new ChangeEvent(kind, change.layer, change.id, change.ts, change.shard, change.state, change.previous, fence);
  }

  /** The purge of {@code layer}'s records in {@code shard}. */
  public static ChangeEvent purge(String layer, long ts, int shard) {
    return new ChangeEvent(Kind.PURGE, layer, null, ts, shard, null, null, null);
  }

  /** The message body. */
  public Buffer toBuffer() {
    JsonObject json =
        new JsonObject().put("v", VERSION).put("kind", kind.wire()).put("layer", layer).put("ts", ts).put("shard", shard);
    if (id != null) {
      json.put("id", id);
    }
    if (state != null) {
      JsonObject stateJson =
          new JsonObject()
              .put("lat", state.lat())
              .put("lon", state.lon())
              .put("coordinates", state.coordinates())
              .put("created", state.created())
              .put("properties", state.properties());
      if (state.expires() > 0) {
        stateJson.put("expires", state.expires());
      }
      json.put("state", stateJson);
    }
    if (previous != null) {
      json.put("previous", new JsonObject().put("lat", previous.lat()).put("lon", previous.lon()));
    }
    if (fence != null) {
      json.put("fence", fence);
    }
    return json.toBuffer();
  }

  /** Reads a message body; throws {@link IllegalArgumentException} for anything else. */
  public static ChangeEvent fromBuffer(Buffer body) {
    try {
      JsonObject json = new JsonObject(body);
      if (json.getInteger("v", 0) != VERSION) {
        throw new IllegalArgumentException("change event version " + json.getValue("v") + " is not " + VERSION);
      }
      Kind kind = Kind.valueOf(json.getString("kind").toUpperCase(java.util.Locale.ROOT));
      JsonObject state = json.getJsonObject("state");
      JsonObject previous = json.getJsonObject("previous");
      ChangeEvent event =
          new ChangeEvent(
              kind,
              json.getString("layer"),
              json.getString("id"),
              json.getLong("ts"),
              json.getInteger("shard"),
              state == null
                  ? null
                  : new State(
                      state.getDouble("lat"),
                      state.getDouble("lon"),
                      state.getString("coordinates"),
                      state.getLong("created"),
                      state.getString("properties"),
                      state.getLong("expires", 0L)),
              previous == null ? null : new Position(previous.getDouble("lat"), previous.getDouble("lon")),
              json.getString("fence"));
      if (event.layer() == null
          || (kind != Kind.PURGE && event.id() == null)
          || (kind == Kind.UPSERT && event.state() == null)
          || (kind.isFence() != (event.fence() != null))) {
        throw new IllegalArgumentException("change event lacks its layer, id or state");
      }
      return event;
    } catch (DecodeException | ClassCastException | NullPointerException | IllegalArgumentException bad) {
      throw new IllegalArgumentException("malformed change event: " + bad.getMessage(), bad);
    }
  }
}
