package io.locus.store;

import com.datastax.oss.driver.api.core.cql.Row;
import io.locus.feed.ChangeEvent;

/**
 * A record's state as a writer needs it before writing the next: its timestamp, index cell,
 * whether it is deleted, where it is, and when it expires (0: never).
 */
record RecordState(long ts, Long cell, boolean deleted, Double lat, Double lon, long expires) {
  /** Where the record was before a write, when it was anywhere. */
  static ChangeEvent.Position position(RecordState state) {
    return state == null || state.deleted || state.lat == null || state.lon == null
        ? null
        : new ChangeEvent.Position(state.lat, state.lon);
  }

  /** The state in a row of {@link RecordCql#SELECT_CURRENT}, or null for no row. */
  static RecordState of(Row row) {
    if (row == null) {
      return null;
    }
    return new RecordState(
        row.getLong("ts"),
        row.isNull("cell") ? null : row.getLong("cell"),
        row.getBoolean("deleted"),
        row.isNull("lat") ? null : row.getDouble("lat"),
        row.isNull("lon") ? null : row.getDouble("lon"),
        row.isNull("expires") ? 0 : row.getLong("expires"));
  }
}
