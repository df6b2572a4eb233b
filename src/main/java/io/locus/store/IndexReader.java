package io.locus.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Consumer;

/** Reads the spatial index; see {@code store.CassandraIndexReader}. */
public interface IndexReader {

  /** One row of the index; {@code expires} is the epoch second from which it is gone, 0 for never. */
  record Entry(String id, double lat, double lon, String coordinates, long created, String properties, long expires) {
    /** Whether the record is gone by {@code nowSeconds}: its {@code expires} has come. */
    public boolean expiredBy(long nowSeconds) {
      return expires > 0 && expires <= nowSeconds;
    }

    /** The entry as the query verticles answer it: id, coordinates, created, properties, and expires when set. */
    public JsonObject toRow() {
      JsonObject row =
          new JsonObject().put("id", id).put("coordinates", coordinates).put("created", created).put("properties", properties);
      return expires > 0 ? row.put("expires", expires) : row;
    }
  }

  /** The occupied index partitions of {@code layer} whose ids lie in [first, last]. */
  Future<List<Long>> occupiedPartitions(String layer, long first, long last);

  /**
   * Feeds every entry of {@code layer} in {@code partition} whose leaf cell lies in [min, max]
   * to {@code sink}, a page at a time, on the caller's context.
   */
  Future<Void> scan(String layer, long partition, long min, long max, Consumer<Entry> sink);
}
