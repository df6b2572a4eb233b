package io.locus.store;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code fences} table: a layer's geofences, one row each, its JSON as {@code geo.Fence}
 * writes it, with the time it was last saved ({@code updated}, epoch seconds).
 */
public final class FenceStore {
  private final CassandraClient client;
  private final PreparedStatement put;
  private final PreparedStatement get;
  private final PreparedStatement delete;
  private final PreparedStatement first;
  private final PreparedStatement after;
  private final PreparedStatement purge;
  private final PreparedStatement all;

  private FenceStore(CassandraClient client, List<PreparedStatement> prepared) {
    this.client = client;
    this.put = prepared.get(0);
    this.get = prepared.get(1);
    this.delete = prepared.get(2);
    this.first = prepared.get(3);
    this.after = prepared.get(4);
    this.purge = prepared.get(5);
    this.all = prepared.get(6);
  }

  /** Prepares the statements once. */
  public static Future<FenceStore> prepare(CassandraClient client) {
    List<Future<PreparedStatement>> prepared =
        List.of(
            client.prepare("INSERT INTO fences (layer, id, body, updated) VALUES (?, ?, ?, ?)"),
            client.prepare("SELECT body, updated FROM fences WHERE layer = ? AND id = ?"),
            client.prepare("DELETE FROM fences WHERE layer = ? AND id = ?"),
            client.prepare("SELECT body, updated FROM fences WHERE layer = ? LIMIT ?"),
            client.prepare("SELECT body, updated FROM fences WHERE layer = ? AND id > ? LIMIT ?"),
            client.prepare("DELETE FROM fences WHERE layer = ?"),
            client.prepare("SELECT body, updated FROM fences WHERE layer = ?"));
    return Future.all(prepared).map(all -> new FenceStore(client, all.list()));
  }

  /** Saves {@code fence} (its JSON, with its {@code id}) in {@code layer}. */
  public Future<Void> put(String layer, JsonObject fence, long updatedSeconds) {
    return client.execute(put.bind(layer, fence.getString("id"), fence.encode(), updatedSeconds)).mapEmpty();
  }

  /** The fence, with its {@code updated}, or null. */
  public Future<JsonObject> get(String layer, String id) {
    return client.execute(get.bind(layer, id)).map(rows -> toJson(rows.one()));
  }

  public Future<Void> delete(String layer, String id) {
    return client.execute(delete.bind(layer, id)).mapEmpty();
  }

  /** Removes every fence of {@code layer} (the layer is deleted). */
  public Future<Void> deleteAll(String layer) {
    return client.execute(purge.bind(layer)).mapEmpty();
  }

  /** Up to {@code limit} of the layer's fences by id, after {@code afterId} (null: from the first). */
  public Future<List<JsonObject>> page(String layer, String afterId, int limit) {
    return client
        .executeWithFullFetch(afterId == null ? first.bind(layer, limit) : after.bind(layer, afterId, limit))
        .map(rows -> rows.stream().map(FenceStore::toJson).toList());
  }

  /** Every fence of {@code layer} (read page by page by the driver). */
  public Future<List<JsonObject>> all(String layer) {
    return client.executeWithFullFetch(all.bind(layer)).map(rows -> rows.stream().map(FenceStore::toJson).toList());
  }

  private static JsonObject toJson(Row row) {
    return row == null ? null : new JsonObject(row.getString("body")).put("updated", row.getLong("updated"));
  }
}
