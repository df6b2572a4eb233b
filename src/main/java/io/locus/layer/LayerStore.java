package io.locus.layer;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The {@code layers} table: one row per layer, in the JSON shape of the API. */
public final class LayerStore {
  private static final String COLUMNS = "name, title, description, public, callback_urls, created, updated";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM layers WHERE name = ?";
  private static final String UPSERT =
      "INSERT INTO layers (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)";
  private static final String DELETE = "DELETE FROM layers WHERE name = ?";
  private static final String FIRST_PAGE = "SELECT " + COLUMNS + " FROM layers LIMIT ?";
  private static final String NEXT_PAGE =
      "SELECT " + COLUMNS + " FROM layers WHERE token(name) > token(?) LIMIT ?";

  private final CassandraClient client;
  private final PreparedStatement select;
  private final PreparedStatement upsert;
  private final PreparedStatement delete;
  private final PreparedStatement firstPage;
  private final PreparedStatement nextPage;

  private LayerStore(CassandraClient client, List<PreparedStatement> s) {
    this.client = client;
    this.select = s.get(0);
    this.upsert = s.get(1);
    this.delete = s.get(2);
    this.firstPage = s.get(3);
    this.nextPage = s.get(4);
  }

  public static Future<LayerStore> prepare(CassandraClient client) {
    List<Future<PreparedStatement>> prepared = new ArrayList<>();
    for (String cql : List.of(SELECT, UPSERT, DELETE, FIRST_PAGE, NEXT_PAGE)) {
      prepared.add(client.prepare(cql));
    }
    return Future.all(prepared).map(all -> new LayerStore(client, all.list()));
  }

  /** The layer, or {@code null}. */
  public Future<JsonObject> get(String name) {
    return client.execute(select.bind(name)).map(rows -> toJson(rows.one()));
  }

  public Future<Void> put(JsonObject layer) {
    return client
        .execute(
            upsert.bind(
                layer.getString("name"),
                layer.getString("title"),
                layer.getString("description"),
                layer.getBoolean("public"),
                layer.getJsonArray("callback_urls").getList(),
                layer.getLong("created"),
                layer.getLong("updated")))
        .mapEmpty();
  }

  public Future<Void> delete(String name) {
    return client.execute(delete.bind(name)).mapEmpty();
  }

  /** Up to {@code limit} layers after the one named {@code after} (null for the first page). */
  public Future<List<JsonObject>> page(String after, int limit) {
    return client
        .executeWithFullFetch(after == null ? firstPage.bind(limit) : nextPage.bind(after, limit))
        .map(rows -> rows.stream().map(LayerStore::toJson).toList());
  }

  private static JsonObject toJson(Row row) {
    if (row == null) {
      return null;
    }
    List<String> urls = row.getList("callback_urls", String.class);
    return new JsonObject()
        .put("name", row.getString("name"))
        .put("title", row.getString("title"))
        .put("description", row.getString("description"))
        .put("public", row.getBoolean("public"))
        .put("callback_urls", new JsonArray(new ArrayList<>(urls == null ? List.of() : urls)))
        .put("created", row.getLong("created"))
        .put("updated", row.getLong("updated"));
  }
}
