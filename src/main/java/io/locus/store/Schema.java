package io.locus.store;

import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * The Cassandra schema, created idempotently at start. Tables:
 *
 * <ul>
 *   <li>{@code layers}: one row per layer, with the consumer that owns it.
 *   <li>{@code layers_by_owner}: the names of each consumer's layers, for listing them.
 *   <li>{@code consumers}: OAuth consumers (key, secret, optional rate limit, revocation).
 *   <li>{@code records}: the latest state of each record, keyed by (layer, id); a deleted record
 *       keeps a short-lived marker row so that a late, older write cannot bring it back.
 *   <li>{@code records_by_cell}: the spatial index, one row per live record under its S2 cell,
 *       partitioned by the cell's parent at {@link io.locus.geo.Cells#PARTITION_LEVEL}.
 *   <li>{@code history}: every position of a record, newest first.
 *   <li>{@code layer_members}: which records a layer holds, per shard queue, so that deleting a
 *       layer can find and remove them.
 *   <li>{@code layer_partitions}: which index partitions of a layer have ever held a record, so
 *       that a search over a large area reads only those.
 * </ul>
 */
public final class Schema {
  /** The least time a schema statement is given (see {@link #ddl}). */
  static final Duration DDL_TIMEOUT = Duration.ofSeconds(30);

  private Schema() {}

  static List<String> tables() {
    return List.of(
        "CREATE TABLE IF NOT EXISTS layers ("
            + " name text PRIMARY KEY, title text, description text, public boolean,"
            + " callback_urls list<text>, created bigint, updated bigint, owner text)",
        "CREATE TABLE IF NOT EXISTS layers_by_owner ("
            + " owner text, name text, PRIMARY KEY ((owner), name))",
        "CREATE TABLE IF NOT EXISTS consumers ("
            + " key text PRIMARY KEY, secret text, name text, created bigint, revoked bigint,"
            + " requests_per_second int, burst int)",
        "CREATE TABLE IF NOT EXISTS records ("
            + " layer text, id text, lat double, lon double, coordinates text, cell bigint,"
            + " created bigint, properties text, ts bigint, deleted boolean, expires bigint,"
            + " PRIMARY KEY ((layer, id)))",
        "CREATE TABLE IF NOT EXISTS records_by_cell ("
            + " layer text, pcell bigint, cell bigint, id text, lat double, lon double,"
            + " coordinates text, created bigint, properties text, expires bigint,"
            + " PRIMARY KEY ((layer, pcell), cell, id))",
        "CREATE TABLE IF NOT EXISTS history ("
            + " layer text, id text, ts bigint, created bigint, coordinates text,"
            + " PRIMARY KEY ((layer, id), ts)) WITH CLUSTERING ORDER BY (ts DESC)",
        "CREATE TABLE IF NOT EXISTS layer_members ("
            + " layer text, shard int, id text, PRIMARY KEY ((layer, shard), id))",
        "CREATE TABLE IF NOT EXISTS layer_partitions ("
            + " layer text, pcell bigint, PRIMARY KEY ((layer), pcell))",
        "CREATE TABLE IF NOT EXISTS expiries ("
            + " shard int, minute bigint, expires bigint, layer text, id text, ts bigint,"
            + " lat double, lon double, coordinates text, created bigint, properties text,"
            + " PRIMARY KEY ((shard, minute), expires, layer, id, ts))",
        "CREATE TABLE IF NOT EXISTS expiry_sweeps (shard int PRIMARY KEY, minute bigint)",
        "CREATE TABLE IF NOT EXISTS fences ("
            + " layer text, id text, body text, updated bigint, PRIMARY KEY ((layer), id))");
  }

  /**
   * Columns added after a table's first release: applied to keyspaces created before them; an
   * "already there" answer is success.
   */
  static List<String> addedColumns() {
    return List.of(
        "ALTER TABLE layers ADD owner text",
        "ALTER TABLE records ADD expires bigint",
        "ALTER TABLE records_by_cell ADD expires bigint");
  }

  /** Creates the keyspace (replication from config) and every table, if missing. */
  public static Future<Void> ensure(Vertx vertx, CassandraSettings settings) {
    // The driver parses its reference configuration the first time a client is built: that
    // takes a few hundred milliseconds, so it happens on a worker thread, once.
    return vertx
        .executeBlocking(() -> Cassandra.withoutKeyspace(vertx, settings))
        .compose(admin -> create(vertx, admin, settings));
  }

  private static Future<Void> create(Vertx vertx, CassandraClient admin, CassandraSettings settings) {
    String keyspace = settings.keyspace();
    Future<Void> created =
        ddl(vertx, admin, settings, "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + settings.replicationCql());
    for (String table : tables()) {
      created = created.compose(v -> ddl(vertx, admin, settings, qualify(table, keyspace)));
    }
    for (String column : addedColumns()) {
      created =
          created.compose(
              v ->
                  ddl(vertx, admin, settings, column.replace("ALTER TABLE ", "ALTER TABLE " + keyspace + "."))
                      .recover(cause -> alreadyThere(cause) ? Future.succeededFuture() : Future.failedFuture(cause)));
    }
    return created
        .recover(
            cause ->
                Future.failedFuture(
                    "Cassandra at " + settings.host() + ":" + settings.port()
                        + " (config key 'cassandra.host'): " + cause.getMessage()))
        .eventually(admin::close);
  }

  /**
   * Runs one schema statement, tried again while Cassandra is unavailable, as a node's first
   * requests are ({@link Cassandra#retryAtStart}). Every statement is idempotent ({@code IF NOT
   * EXISTS}; an added column that is already there is success), so a try that timed out but took
   * effect is harmless to repeat. A schema change waits for Cassandra to write its schema tables,
   * which on a freshly started or loaded node takes longer than a query: it gets {@link
   * #DDL_TIMEOUT} if that is longer than the configured request timeout.
   */
  private static Future<Void> ddl(Vertx vertx, CassandraClient admin, CassandraSettings settings, String cql) {
    Duration timeout = Duration.ofMillis(Math.max(DDL_TIMEOUT.toMillis(), settings.requestTimeoutMs()));
    return Cassandra.retryAtStart(vertx, () -> admin.execute(SimpleStatement.newInstance(cql).setTimeout(timeout))).mapEmpty();
  }

  private static boolean alreadyThere(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    return message.contains("conflicts with an existing column") || message.contains("already exists");
  }

  private static String qualify(String ddl, String keyspace) {
    return ddl.replace("IF NOT EXISTS ", "IF NOT EXISTS " + keyspace + ".");
  }
}
