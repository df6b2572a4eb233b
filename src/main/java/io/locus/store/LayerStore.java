package io.locus.store;

import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code layers} table (one row per layer, in the JSON shape of the API plus its {@code
 * owner}) and {@code layers_by_owner} (each consumer's layer names, for listing).
 *
 * <p>Every write to {@code layers} is a lightweight transaction. A layer is created by one (so
 * two consumers racing for a name cannot both win), and Cassandra orders a plain write after a
 * lightweight transaction on the same row by comparing the client's clock with the Paxos ballot
 * of the coordinator: a plain write made right after the creation could lose to it and vanish.
 * Conditional updates and deletes are ordered by their ballots, and they also check the owner
 * in the same step. {@code layers_by_owner} only takes plain writes.
 */
public final class LayerStore {
  /** The layer field naming the consumer that owns it; never sent to clients. */
  public static final String OWNER = "owner";

  private static final String COLUMNS = "name, title, description, public, callback_urls, created, updated, owner";
  private static final String VALUES = " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

  private final CassandraClient client;
  private final Statements statements;

  private LayerStore(CassandraClient client, Statements statements) {
    this.client = client;
    this.statements = statements;
  }

  public static Future<LayerStore> prepare(CassandraClient client) {
    return Statements.prepare(client).map(statements -> new LayerStore(client, statements));
  }

  /** The layer, or {@code null}. */
  public Future<JsonObject> get(String name) {
    return client.execute(statements.select().bind(name)).map(rows -> toJson(rows.one()));
  }

  /**
   * Whether the layer exists. Found by a plain read, it does; not found, the answer is read again
   * at SERIAL before it is believed: layers are written by lightweight transactions, and a plain
   * read may ask a replica that has not learnt the latest one yet. (A SERIAL read is a Paxos
   * round: for every write it would contend on the layer's one row.)
   */
  public Future<Boolean> exists(String name) {
    return client
        .execute(statements.select().bind(name))
        .compose(
            rows ->
                rows.one() != null
                    ? Future.succeededFuture(true)
                    : client
                        .execute(statements.select().bind(name).setConsistencyLevel(DefaultConsistencyLevel.SERIAL))
                        .map(serial -> serial.one() != null));
  }

  /**
   * Creates the layer if no layer has its name (a lightweight transaction, so two consumers
   * racing for a name cannot both win); true when it was created.
   */
  public Future<Boolean> create(JsonObject layer) {
    return client
        .execute(bind(statements.create(), layer))
        .compose(
            rows ->
                rows.wasApplied() ? listed(layer).map(true) : Future.succeededFuture(false));
  }

  /**
   * Replaces the settings of an existing layer of the same owner; false (nothing written) when
   * the layer is gone or belongs to another consumer.
   */
  public Future<Boolean> update(JsonObject layer) {
    List<Object> values = settingsOf(layer);
    values.add(layer.getString("name"));
    values.add(layer.getString(OWNER));
    BoundStatement update = statements.update().bind(values.toArray());
    return client
        .execute(update)
        .compose(rows -> rows.wasApplied() ? listed(layer).map(true) : Future.succeededFuture(false));
  }

  /** Deletes the layer if {@code layer}'s owner still owns it; false when it was gone already. */
  public Future<Boolean> delete(JsonObject layer) {
    return client
        .execute(statements.delete().bind(layer.getString("name"), layer.getString(OWNER)))
        .compose(
            rows ->
                rows.wasApplied()
                    ? client.execute(statements.unlist().bind(layer.getString(OWNER), layer.getString("name"))).map(true)
                    : Future.succeededFuture(false));
  }

  private Future<Void> listed(JsonObject layer) {
    return client.execute(statements.list().bind(layer.getString(OWNER), layer.getString("name"))).mapEmpty();
  }

  /** Up to {@code limit} of the owner's layers, by name, after {@code after} (null: from the start). */
  public Future<List<JsonObject>> page(String owner, String after, int limit) {
    BoundStatement page =
        after == null ? statements.firstPage().bind(owner, limit) : statements.nextPage().bind(owner, after, limit);
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
   * Every callback URL of every layer, once each: the webhook receivers there may be deliveries
   * for. Reads the whole table (one row per layer).
   */
  public Future<Set<String>> callbackUrls() {
    return client
        .executeWithFullFetch(statements.callbacks().bind())
        .map(
            rows -> {
              Set<String> urls = new TreeSet<>();
              rows.forEach(row -> {
                List<String> listed = row.getList("callback_urls", String.class);
                if (listed != null) {
                  urls.addAll(listed);
                }
              });
              return urls;
            });
  }

  /**
   * Gives every layer without an owner (made before layers had owners) to {@code owner}; the
   * development profile does this for its development consumer. Reads the whole table, so it
   * is meant for development keyspaces. Answers how many layers were adopted.
   */
  public Future<Integer> adoptOwnerless(String owner) {
    return client
        .executeWithFullFetch(statements.all().bind())
        .compose(
            rows -> {
              List<Future<Boolean>> adopted = new ArrayList<>();
              rows.stream()
                  .filter(row -> row.isNull("owner"))
                  .map(row -> new JsonObject().put("name", row.getString("name")).put(OWNER, owner))
                  .forEach(
                      layer ->
                          adopted.add(
                              client
                                  .execute(statements.adopt().bind(owner, layer.getString("name")))
                                  .compose(applied -> applied.wasApplied() ? listed(layer).map(true) : Future.succeededFuture(false))));
              return Future.all(adopted).map(all -> (int) adopted.stream().filter(Future::result).count());
            });
  }

  /** Binds every column of {@code layer} in {@link #COLUMNS} order. */
  private static BoundStatement bind(PreparedStatement statement, JsonObject layer) {
    List<Object> values = new ArrayList<>();
    values.add(layer.getString("name"));
    values.addAll(settingsOf(layer));
    values.add(layer.getString(OWNER));
    return statement.bind(values.toArray());
  }

  /** The layer's settings, as {@link #COLUMNS} lists them between its name and its owner. */
  private static List<Object> settingsOf(JsonObject layer) {
    return new ArrayList<>(
        Arrays.asList(
            layer.getString("title"),
            layer.getString("description"),
            layer.getBoolean("public"),
            layer.getJsonArray("callback_urls").getList(),
            layer.getLong("created"),
            layer.getLong("updated")));
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

  /** The prepared statements, each named next to its CQL; prepared concurrently, once. */
  private record Statements(
      PreparedStatement select,
      PreparedStatement create,
      PreparedStatement update,
      PreparedStatement delete,
      PreparedStatement list,
      PreparedStatement unlist,
      PreparedStatement firstPage,
      PreparedStatement nextPage,
      PreparedStatement all,
      PreparedStatement adopt,
      PreparedStatement callbacks) {
    static Future<Statements> prepare(CassandraClient client) {
      Future<PreparedStatement> select = client.prepare("SELECT " + COLUMNS + " FROM layers WHERE name = ?");
      Future<PreparedStatement> create =
          client.prepare("INSERT INTO layers (" + COLUMNS + ")" + VALUES + " IF NOT EXISTS");
      Future<PreparedStatement> update =
          client.prepare(
              "UPDATE layers SET title = ?, description = ?, public = ?, callback_urls = ?, created = ?, updated = ?"
                  + " WHERE name = ? IF owner = ?");
      Future<PreparedStatement> delete = client.prepare("DELETE FROM layers WHERE name = ? IF owner = ?");
      Future<PreparedStatement> list = client.prepare("INSERT INTO layers_by_owner (owner, name) VALUES (?, ?)");
      Future<PreparedStatement> unlist =
          client.prepare("DELETE FROM layers_by_owner WHERE owner = ? AND name = ?");
      Future<PreparedStatement> firstPage =
          client.prepare("SELECT name FROM layers_by_owner WHERE owner = ? LIMIT ?");
      Future<PreparedStatement> nextPage =
          client.prepare("SELECT name FROM layers_by_owner WHERE owner = ? AND name > ? LIMIT ?");
      Future<PreparedStatement> all = client.prepare("SELECT name, owner FROM layers");
      Future<PreparedStatement> adopt = client.prepare("UPDATE layers SET owner = ? WHERE name = ? IF owner = null");
      Future<PreparedStatement> callbacks = client.prepare("SELECT callback_urls FROM layers");
      return Future.all(List.of(select, create, update, delete, list, unlist, firstPage, nextPage, all, adopt, callbacks))
          .map(
              prepared ->
                  new Statements(
                      select.result(), create.result(), update.result(), delete.result(), list.result(),
                      unlist.result(), firstPage.result(), nextPage.result(), all.result(), adopt.result(),
                      callbacks.result()));
    }
  }
}
