package io.locus.bench;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.CassandraClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Cassandra alone, as Locus's writer uses it: one prepared INSERT per record into a table of the
 * shape Locus writes ({@code bench_probe.records}, keyspace created if missing and dropped at
 * the end, without the snapshot Cassandra otherwise keeps of dropped tables), through the
 * Vert.x Cassandra client. One operation is one insert.
 */
final class CassandraProbe {
  static final String KEYSPACE = "bench_probe";
  private static final String INSERT =
      "INSERT INTO " + KEYSPACE + ".records (layer, id, lat, lon, coordinates, cell, created, properties, ts, deleted)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  private CassandraProbe() {}

  static Future<Measurement> run(
      Vertx vertx, HostPort node, String datacenter, int inflight, double warmupSeconds, double seconds) {
    CassandraClientOptions options = new CassandraClientOptions().addContactPoint(node.host(), node.port());
    options
        .dataStaxClusterBuilder()
        .withLocalDatacenter(datacenter)
        .withConfigLoader(
            DriverConfigLoader.programmaticBuilder()
                .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.METADATA_SCHEMA_REQUEST_TIMEOUT, Duration.ofSeconds(30))
                .withDuration(DefaultDriverOption.CONTROL_CONNECTION_AGREEMENT_TIMEOUT, Duration.ofSeconds(30))
                .build());
    CassandraClient client = CassandraClient.create(vertx, options);
    String run = Long.toString(System.currentTimeMillis(), 36);
    return client
        .execute("CREATE KEYSPACE IF NOT EXISTS " + KEYSPACE
            + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
        .compose(v -> client.execute("CREATE TABLE IF NOT EXISTS " + KEYSPACE + ".records (layer text, id text,"
            + " lat double, lon double, coordinates text, cell bigint, created bigint, properties text, ts bigint,"
            + " deleted boolean, PRIMARY KEY ((layer, id))) WITH allow_auto_snapshot = false"))
        .compose(v -> client.prepare(INSERT))
        .compose(insert ->
            ClosedLoop.run(vertx, inflight, warmupSeconds, seconds, n -> client.execute(bind(insert, ProbeRecord.of(run, n)))))
        .map(result -> result.measurement("Cassandra insert", "cassandra", "write"))
        .eventually(() -> client.execute("DROP KEYSPACE IF EXISTS " + KEYSPACE).eventually(client::close));
  }

  private static com.datastax.oss.driver.api.core.cql.BoundStatement bind(PreparedStatement insert, ProbeRecord r) {
    return insert.bind(
        r.layer(), r.id(), r.lat(), r.lon(), r.coordinates(), r.cell(), r.created(), r.properties().encode(),
        System.currentTimeMillis() * 1000, false);
  }
}
