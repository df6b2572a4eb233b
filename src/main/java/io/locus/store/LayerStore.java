package io.locus.store;

import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The {@code layers} table (one row per layer, in the JSON shape of the API plus its {@code
 * owner}) and {@code layers_by_owner} (each consumer's layer names, for listing).
 */
public final class LayerStore {
  /** The layer field naming the consumer that owns it; never sent to clients. */
  public static final String OWNER = "owner";

  private static final String COLUMNS = "name, title, description, public, callback_urls, created, updated, owner";
  private static final String VALUES = " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM layers WHERE name = ?";
  private static final String CREATE = "INSERT INTO layers (" + COLUMNS + ")" + VALUES + " IF NOT EXISTS";
  private static final String UPSERT = "INSERT INTO layers (" + COLUMNS + ")" + VALUES;
  private static final String DELETE = "DELETE FROM layers WHERE name = ?";
  private static final String LIST = "INSERT INTO layers_by_owner (owner, name) VALUES (?, ?)";
  private static final String UNLIST = "DELETE FROM layers_by_owner WHERE owner = ? AND name = ?";
  private static final String FIRST_PAGE = "SELECT name FROM layers_by_owner WHERE owner = ? LIMIT ?";
  private static final String NEXT_PAGE = "SELECT name FROM layers_by_owner WHERE owner = ? AND name > ? LIMIT ?";
  private static final String ALL = "SELECT name, owner FROM layers";
  private static final String ADOPT = "UPDATE layers SET owner = ? WHERE name = ?";

  private final CassandraClient client;
  private final List<PreparedStatement> s;

  private LayerStore(CassandraClient client, List<PreparedStatement> statements) {
    this.client = client;
    this.s = statements;
  }

  public static Future<LayerStore> prepare(CassandraClient client) {
    List<Future<PreparedStatement>> prepared = new ArrayList<>();
    for (String cql : List.of(SELECT, CREATE, UPSERT, DELETE, LIST, UNLIST, FIRST_PAGE, NEXT_PAGE, ALL, ADOPT)) {
      prepared.add(client.prepare(cql));
    }
    return Future.all(prepared).map(all -> new LayerStore(client, all.list()));
  }

  /** The layer, or {@code null}. */
  public Future<JsonObject> get(String name) {
    return client.execute(s.get(0).bind(name)).map(rows -> toJson(rows.one()));
  }

  /**
   * Creates the layer if no layer has its name (a lightweight transaction, so two consumers
   * racing for a name cannot both win); true when it was created.
   */
  public Future<Boolean> create(JsonObject layer) {
    return client
        .execute(bind(s.get(1), layer))
        .compose(
            rows ->
                rows.wasApplied()
                    ? client.execute(s.get(4).bind(layer.getString(OWNER), layer.getString("name"))).map(true)
                    : Future.succeededFuture(false));
  }

  /** Replaces an existing layer's settings (same name, same owner), or puts a deleted one back. */
  public Future<Void> update(JsonObject layer) {
    return client
        .execute(
            BatchStatement.newInstance(
                BatchType.LOGGED,
                bind(s.get(2), layer),
                s.get(4).bind(layer.getString(OWNER), layer.getString("name"))))
        .mapEmpty();
  }

  public Future<Void> delete(JsonObject layer) {
    return client
        .execute(
            BatchStatement.newInstance(
                BatchType.LOGGED,
                s.get(3).bind(layer.getString("name")),
                s.get(5).bind(layer.getString(OWNER), layer.getString("name"))))
        .mapEmpty();
  }

  /** Up to {@code limit} of the owner's layers, by name, after {@code after} (null: from the start). */
  public Future<List<JsonObject>> page(String owner, String after, int limit) {
    BoundStatement page = after == null ? s.get(6).bind(owner, limit) : s.get(7).bind(owner, after, limit);
    return client
        .executeWithFullFetch(page)
        .compose(
            rows -> {
              List<Future<JsonObject>> layers = new ArrayList<>();
              rows.forEach(row -> layers.add(get(row.getString("name"))));
              return Future.all(layers);
            })
        .map(all -> all.<JsonObject>list().stream().filter(Objects::nonNull).toList());
  }

  /**
   * Gives every layer without an owner (made before layers had owners) to {@code owner}; the
   * development profile does this for its development consumer. Reads the whole table, so it
   * is meant for development keyspaces. Answers how many layers were adopted.
   */
  public Future<Integer> adoptOwnerless(String owner) {
    return client
        .executeWithFullFetch(s.get(8).bind())
        .compose(
            rows -> {
              List<Future<?>> adopted = new ArrayList<>();
              rows.stream()
                  .filter(row -> row.isNull("owner"))
                  .forEach(
                      row ->
                          adopted.add(
                              client.execute(
                                  BatchStatement.newInstance(
                                      BatchType.LOGGED,
                                      s.get(9).bind(owner, row.getString("name")),
                                      s.get(4).bind(owner, row.getString("name"))))));
              return Future.all(adopted).map(all -> adopted.size());
            });
  }

  private static BoundStatement bind(PreparedStatement statement, JsonObject layer) {
    return statement.bind(
        layer.getString("name"),
        layer.getString("title"),
        layer.getString("description"),
        layer.getBoolean("public"),
        layer.getJsonArray("callback_urls").getList(),
        layer.getLong("created"),
        layer.getLong("updated"),
        layer.getString(OWNER));
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
        .put("updated", row.getLong("updated"))
        .put(OWNER, row.getString("owner"));
  }
}
