package io.locus.store;

import com.datastax.oss.driver.api.core.cql.Row;

/**
 * CQL of the record tables ({@code records}, {@code records_by_cell}, {@code history}, {@code
 * layer_members}, and the expiry schedule {@code expiries} with its sweep positions).
 *
 * <p>A record that expires is written with a Cassandra TTL ({@link #ttl}) on its rows, so that
 * Cassandra drops it by itself; reads also skip it from its {@code expires} second on, since a
 * TTL counts whole seconds from when the writer wrote.
 */
final class RecordCql {
  private RecordCql() {}

  /** Cassandra's longest TTL (20 years): an expiry further out is left to the sweep alone. */
  static final long MAX_TTL_SECONDS = 630_720_000L;

  /** How long a schedule entry outlives its expiry, for a sweep that runs late. */
  static final int SCHEDULE_GRACE_SECONDS = 2 * 24 * 3600;

  /** How long a deleted record's marker row lives: later, older writes are refused meanwhile. */
  static final int DELETE_MARKER_TTL_SECONDS = 7 * 24 * 3600;

  static final String SELECT_CURRENT =
      "SELECT ts, cell, deleted, lat, lon, expires FROM records WHERE layer = ? AND id = ?";

  static final String SELECT_RECORD =
      "SELECT id, coordinates, created, properties, deleted, expires FROM records WHERE layer = ? AND id = ?";

  static final String INSERT_RECORD =
      "INSERT INTO records (layer, id, lat, lon, coordinates, cell, created, properties, ts, deleted, expires)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?) USING TIMESTAMP ? AND TTL ?";

  static final String MARK_DELETED =
      "INSERT INTO records (layer, id, lat, lon, coordinates, cell, created, properties, ts, deleted, expires)"
          + " VALUES (?, ?, null, null, null, null, null, null, ?, true, null) USING TIMESTAMP ? AND TTL "
          + DELETE_MARKER_TTL_SECONDS;

  static final String INSERT_INDEX =
      "INSERT INTO records_by_cell (layer, pcell, cell, id, lat, lon, coordinates, created, properties, expires)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ? AND TTL ?";

  static final String DELETE_INDEX =
      "DELETE FROM records_by_cell USING TIMESTAMP ? WHERE layer = ? AND pcell = ? AND cell = ? AND id = ?";

  static final String INSERT_HISTORY =
      "INSERT INTO history (layer, id, ts, created, coordinates) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ? AND TTL ?";

  static final String DELETE_HISTORY = "DELETE FROM history USING TIMESTAMP ? WHERE layer = ? AND id = ?";

  static final String SELECT_HISTORY =
      "SELECT ts, created, coordinates FROM history WHERE layer = ? AND id = ? AND ts < ? LIMIT ?";

  /** Membership is written at server time: per-record operations are already serialized. */
  static final String INSERT_MEMBER = "INSERT INTO layer_members (layer, shard, id) VALUES (?, ?, ?)";

  static final String DELETE_MEMBER = "DELETE FROM layer_members WHERE layer = ? AND shard = ? AND id = ?";

  /** An index partition became occupied: cheap to repeat, written at server time. */
  static final String INSERT_PARTITION = "INSERT INTO layer_partitions (layer, pcell) VALUES (?, ?)";

  static final String DELETE_PARTITIONS = "DELETE FROM layer_partitions USING TIMESTAMP ? WHERE layer = ?";

  static final String SELECT_PARTITIONS =
      "SELECT pcell FROM layer_partitions WHERE layer = ? AND pcell >= ? AND pcell <= ?";

  /** Whole index partitions with each row's write timestamp, for loading a layer into memory. */
  static final String SELECT_INDEX_PARTITIONS =
      "SELECT id, lat, lon, coordinates, created, properties, expires, WRITETIME(lat) AS ts FROM records_by_cell"
          + " WHERE layer = ? AND pcell IN ?";

  static final String SELECT_INDEX_RANGE =
      "SELECT id, lat, lon, coordinates, created, properties, expires FROM records_by_cell"
          + " WHERE layer = ? AND pcell = ? AND cell >= ? AND cell <= ?";

  static final String SELECT_MEMBERS = "SELECT id FROM layer_members WHERE layer = ? AND shard = ?";

  /** Schedules the expiry of a record's state in its shard's minute of {@code expires}. */
  static final String INSERT_EXPIRY =
      "INSERT INTO expiries (shard, minute, expires, layer, id, ts, lat, lon, coordinates, created, properties)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) USING TTL ?";

  static final String SELECT_DUE_EXPIRIES =
      "SELECT expires, layer, id, ts, lat, lon, coordinates, created, properties FROM expiries"
          + " WHERE shard = ? AND minute = ? AND expires <= ?";

  static final String DELETE_EXPIRY =
      "DELETE FROM expiries WHERE shard = ? AND minute = ? AND expires = ? AND layer = ? AND id = ? AND ts = ?";

  static final String SELECT_SWEPT = "SELECT minute FROM expiry_sweeps WHERE shard = ?";

  static final String UPDATE_SWEPT = "UPDATE expiry_sweeps SET minute = ? WHERE shard = ?";

  /**
   * The TTL to write a state expiring at {@code expires} with, at {@code nowSeconds}: 0 (none)
   * for a state that never expires or expires beyond Cassandra's longest TTL, else the seconds
   * left, at least 1.
   */
  static int ttl(long expires, long nowSeconds) {
    if (expires <= 0 || expires - nowSeconds > MAX_TTL_SECONDS) {
      return 0;
    }
    return (int) Math.max(1, expires - nowSeconds);
  }

  /** An index or scan row (id, lat, lon, coordinates, created, properties, expires) as an entry. */
  static IndexReader.Entry entry(Row row) {
    return new IndexReader.Entry(
        row.getString("id"),
        row.getDouble("lat"),
        row.getDouble("lon"),
        row.getString("coordinates"),
        row.getLong("created"),
        row.getString("properties"),
        row.getLong("expires"));
  }
}
