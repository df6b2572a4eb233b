package io.locus.store;

import io.locus.common.Times;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Reads records and their history from Cassandra, as plain JSON rows for the API to render. */
public final class RecordReader {
  private final CassandraClient client;
  private final PreparedStatement selectRecord;
  private final PreparedStatement selectHistory;

  private RecordReader(CassandraClient client, PreparedStatement record, PreparedStatement history) {
    this.client = client;
    this.selectRecord = record;
    this.selectHistory = history;
  }

  public static Future<RecordReader> prepare(CassandraClient client) {
    return client
        .prepare(RecordCql.SELECT_RECORD)
        .compose(record -> client.prepare(RecordCql.SELECT_HISTORY).map(h -> new RecordReader(client, record, h)));
  }

  /**
   * The live record as {@code {id, coordinates, created, properties[, expires]}} (coordinates
   * and properties as JSON text), or {@code null} when absent, deleted or expired.
   */
  public Future<JsonObject> record(String layer, String id) {
    return client
        .execute(selectRecord.bind(layer, id))
        .map(
            rows -> {
              Row row = rows.one();
              if (row == null || row.getBoolean("deleted") || row.isNull("coordinates")) {
                return null;
              }
              long expires = row.getLong("expires");
              if (expires > 0 && expires <= Times.nowSeconds()) {
                return null; // gone at its expiry; Cassandra drops it by TTL within the second
              }
              JsonObject record =
                  new JsonObject()
                      .put("id", row.getString("id"))
                      .put("coordinates", row.getString("coordinates"))
                      .put("created", row.getLong("created"))
                      .put("properties", row.getString("properties"));
              return expires > 0 ? record.put("expires", expires) : record;
            });
  }

  /** Up to {@code limit} past positions older than write time {@code beforeTs}, newest first. */
  public Future<List<JsonObject>> history(String layer, String id, long beforeTs, int limit) {
    return client
        .executeWithFullFetch(selectHistory.bind(layer, id, beforeTs, limit))
        .map(
            rows ->
                rows.stream()
                    .map(
                        row ->
                            new JsonObject()
                                .put("ts", row.getLong("ts"))
                                .put("created", row.getLong("created"))
                                .put("coordinates", row.getString("coordinates")))
                    .toList());
  }
}
