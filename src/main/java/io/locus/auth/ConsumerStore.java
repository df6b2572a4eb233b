package io.locus.auth;

import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Row;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code consumers} table. A consumer is {@code {"key","secret","name","created","revoked",
 * "rateLimit"}}; {@code revoked} (epoch seconds) and {@code rateLimit} may be null. Secrets are
 * kept as issued: HMAC-SHA1 verification needs them, so the table must be protected like a
 * credentials store.
 */
public final class ConsumerStore {
  /** Most consumers one admin listing returns. */
  public static final int MAX_LIST = 1000;

  private static final String COLUMNS = "key, secret, name, created, revoked, requests_per_second, burst";

  private final CassandraClient client;
  private final Statements statements;

  private ConsumerStore(CassandraClient client, Statements statements) {
    this.client = client;
    this.statements = statements;
  }

  public static Future<ConsumerStore> prepare(CassandraClient client) {
    return Statements.prepare(client).map(statements -> new ConsumerStore(client, statements));
  }

  /** The consumer with this key, revoked or not, or {@code null}. */
  public Future<JsonObject> get(String key) {
    return client.execute(statements.select().bind(key)).map(rows -> toJson(rows.one()));
  }

  /** Stores a consumer (not revoked), replacing any with the same key. */
  public Future<Void> put(String key, String secret, String name, long createdSeconds, RateLimit limit) {
    return client
        .execute(
            statements.upsert().bind(
                key, secret, name, createdSeconds,
                limit == null ? null : limit.requestsPerSecond(), limit == null ? null : limit.burst()))
        .mapEmpty();
  }

  /** Marks the consumer revoked at {@code nowSeconds}; false when there is no such consumer. */
  public Future<Boolean> revoke(String key, long nowSeconds) {
    return client.execute(statements.revoke().bind(nowSeconds, key)).map(rows -> rows.wasApplied());
  }

  /** Up to {@link #MAX_LIST} consumers, in token order. */
  public Future<List<JsonObject>> list() {
    return client
        .executeWithFullFetch(statements.list().bind())
        .map(rows -> rows.stream().map(ConsumerStore::toJson).toList());
  }

  private static JsonObject toJson(Row row) {
    if (row == null) {
      return null;
    }
    boolean limited = !row.isNull("requests_per_second") && !row.isNull("burst");
    return new JsonObject()
        .put("key", row.getString("key"))
        .put("secret", row.getString("secret"))
        .put("name", row.getString("name"))
        .put("created", row.getLong("created"))
        .put("revoked", row.isNull("revoked") ? null : row.getLong("revoked"))
        .put(
            "rateLimit",
            limited ? new RateLimit(row.getInt("requests_per_second"), row.getInt("burst")).toJson() : null);
  }

  /** The prepared statements, each named next to its CQL; prepared concurrently, once. */
  private record Statements(
      PreparedStatement select, PreparedStatement upsert, PreparedStatement revoke, PreparedStatement list) {
    static Future<Statements> prepare(CassandraClient client) {
      Future<PreparedStatement> select = client.prepare("SELECT " + COLUMNS + " FROM consumers WHERE key = ?");
      Future<PreparedStatement> upsert =
          client.prepare("INSERT INTO consumers (" + COLUMNS + ") VALUES (?, ?, ?, ?, null, ?, ?)");
      Future<PreparedStatement> revoke = client.prepare("UPDATE consumers SET revoked = ? WHERE key = ? IF EXISTS");
      Future<PreparedStatement> list = client.prepare("SELECT " + COLUMNS + " FROM consumers LIMIT " + MAX_LIST);
      return Future.all(select, upsert, revoke, list)
          .map(prepared -> new Statements(select.result(), upsert.result(), revoke.result(), list.result()));
    }
  }
}
