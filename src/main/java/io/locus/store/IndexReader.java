package io.locus.store;

import io.vertx.core.Future;
import java.util.List;
import java.util.function.Consumer;

/** Reads the spatial index; see {@code store.CassandraIndexReader}. */
public interface IndexReader {

  /** One row of the index. */
  record Entry(String id, double lat, double lon, String coordinates, long created, String properties) {}

  /** The occupied index partitions of {@code layer} whose ids lie in [first, last]. */
  Future<List<Long>> occupiedPartitions(String layer, long first, long last);

  /**
   * Feeds every entry of {@code layer} in {@code partition} whose leaf cell lies in [min, max]
   * to {@code sink}, a page at a time, on the caller's context.
   */
  Future<Void> scan(String layer, long partition, long min, long max, Consumer<Entry> sink);
}
