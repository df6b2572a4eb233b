package io.locus.store;

import static io.locus.common.ConfigKeys.*;

import io.locus.common.ConfigException;
import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/** The {@code cassandra} section of the configuration, validated. */
public record CassandraSettings(
    String host,
    int port,
    String localDatacenter,
    String keyspace,
    JsonObject replication,
    int requestTimeoutMs) {

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  public static CassandraSettings from(JsonObject cassandra) {
    ConfigReader reader = new ConfigReader(new JsonObject().put(CASSANDRA, cassandra)).section(CASSANDRA);
    String keyspace = reader.nonBlank(CASSANDRA_KEYSPACE);
    if (!IDENTIFIER.matcher(keyspace).matches()) {
      throw new ConfigException(
          "config key 'cassandra.keyspace' (env LOCUS_CASSANDRA_KEYSPACE) must be a lower-case CQL identifier, got \""
              + keyspace + "\"");
    }
    JsonObject replication = reader.object(CASSANDRA_REPLICATION);
    reader.section(CASSANDRA_REPLICATION).nonBlank("class");
    return new CassandraSettings(
        reader.nonBlank(CASSANDRA_HOST),
        reader.integer(CASSANDRA_PORT, 1, 65535),
        reader.nonBlank(CASSANDRA_LOCAL_DATACENTER),
        keyspace,
        replication,
        reader.integer(CASSANDRA_REQUEST_TIMEOUT_MS, 100, 120_000));
  }

  /** The replication map as CQL: {@code {'class': 'SimpleStrategy', 'replication_factor': '1'}}. */
  public String replicationCql() {
    StringBuilder cql = new StringBuilder("{");
    replication.forEach(
        entry -> {
          if (cql.length() > 1) {
            cql.append(", ");
          }
          cql.append(quote(entry.getKey())).append(": ").append(quote(String.valueOf(entry.getValue())));
        });
    return cql.append('}').toString();
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
