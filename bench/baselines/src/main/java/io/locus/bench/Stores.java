package io.locus.bench;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Clients of the two baseline stores, from the command-line forms {@code host:port} (Redis) and
 * {@code host:port/database} (PostgreSQL, user {@code postgres}, no password).
 */
final class Stores {
  /** The Redis key of the geo set, and the PostGIS table: both named {@code points}. */
  static final String POINTS = "points";

  private Stores() {}

  static Redis redis(Vertx vertx, String hostPort, int poolSize) {
    return Redis.createClient(
        vertx,
        new RedisOptions()
            .setConnectionString("redis://" + hostPort)
            .setMaxPoolSize(poolSize)
            .setMaxPoolWaiting(100_000)
            .setMaxWaitingHandlers(100_000));
  }

  static Pool postgres(Vertx vertx, String hostPortDatabase, int poolSize) {
    int slash = hostPortDatabase.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("--postgres must be host:port/database");
    }
    HostPort at = HostPort.parse(hostPortDatabase.substring(0, slash), 5432);
    PgConnectOptions connect =
        new PgConnectOptions()
            .setHost(at.host())
            .setPort(at.port())
            .setDatabase(hostPortDatabase.substring(slash + 1))
            .setUser("postgres")
            .setCachePreparedStatements(true);
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize))
        .connectingTo(connect)
        .using(vertx)
        .build();
  }
}
