package io.locus.query;

import io.locus.common.Addresses;
import io.locus.common.BusRequest;
import io.locus.common.Operation;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** The contract of {@link Addresses#RECORDS_READ}, served by {@link QueryVerticle}. */
public final class RecordReads {
  private RecordReads() {}

  /** Records by id → {@code {"records":[row…]}}: the rows of the ids that exist. */
  public static final Operation<Get> GET = new Operation<>(Addresses.RECORDS_READ, "get", Get::fromJson);

  /**
   * A record's past positions, newest first → {@code {"positions":[…],"next_cursor":…}}; fails
   * 404 when the record does not exist, 400 for a bad cursor.
   */
  public static final Operation<History> HISTORY =
      new Operation<>(Addresses.RECORDS_READ, "history", History::fromJson);

  /** Read the records {@code ids} of {@code layer}. */
  public record Get(String layer, List<String> ids) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("layer", layer).put("ids", new JsonArray(ids));
    }

    static Get fromJson(JsonObject json) {
      return new Get(json.getString("layer"), json.getJsonArray("ids").stream().map(String.class::cast).toList());
    }
  }

  /** Read up to {@code limit} positions of one record, before {@code cursor} (null: from the newest). */
  public record History(String layer, String id, int limit, String cursor) implements BusRequest {
    @Override
    public JsonObject toJson() {
      return new JsonObject().put("layer", layer).put("id", id).put("limit", limit).put("cursor", cursor);
    }

    static History fromJson(JsonObject json) {
      return new History(json.getString("layer"), json.getString("id"), json.getInteger("limit"), json.getString("cursor"));
    }
  }
}
