package io.locus.store;

/** CQL of the record tables ({@code records}, {@code records_by_cell}, {@code history}, {@code layer_members}). */
final class RecordCql {
  private RecordCql() {}

  /** How long a deleted record's marker row lives: later, older writes are refused meanwhile. */
  static final int DELETE_MARKER_TTL_SECONDS = 7 * 24 * 3600;

  static final String SELECT_CURRENT =
      "SELECT ts, cell, deleted, lat, lon FROM records WHERE layer = ? AND id = ?";

  static final String SELECT_RECORD =
      "SELECT id, coordinates, created, properties, deleted FROM records WHERE layer = ? AND id = ?";

  static final String INSERT_RECORD =
      "INSERT INTO records (layer, id, lat, lon, coordinates, cell, created, properties, ts, deleted)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, false) USING TIMESTAMP ?";

  static final String MARK_DELETED =
      "INSERT INTO records (layer, id, lat, lon, coordinates, cell, created, properties, ts, deleted)"
          + " VALUES (?, ?, null, null, null, null, null, null, ?, true) USING TIMESTAMP ? AND TTL "
          + DELETE_MARKER_TTL_SECONDS;

  static final String INSERT_INDEX =
      "INSERT INTO records_by_cell (layer, pcell, cell, id, lat, lon, coordinates, created, properties)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?";

  static final String DELETE_INDEX =
      "DELETE FROM records_by_cell USING TIMESTAMP ? WHERE layer = ? AND pcell = ? AND cell = ? AND id = ?";

  static final String INSERT_HISTORY =
      "INSERT INTO history (layer, id, ts, created, coordinates) VALUES (?, ?, ?, ?, ?) USING TIMESTAMP ?";

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
      "SELECT id, lat, lon, coordinates, created, properties, WRITETIME(lat) AS ts FROM records_by_cell"
          + " WHERE layer = ? AND pcell IN ?";

  static final String SELECT_INDEX_RANGE =
      "SELECT id, lat, lon, coordinates, created, properties FROM records_by_cell"
          + " WHERE layer = ? AND pcell = ? AND cell >= ? AND cell <= ?";

  static final String SELECT_MEMBERS = "SELECT id FROM layer_members WHERE layer = ? AND shard = ?";
}
