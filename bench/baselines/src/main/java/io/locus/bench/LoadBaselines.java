package io.locus.bench;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Loads a points CSV ({@code id,lat,lon} a line, no header) into both read baselines, replacing
 * what they held:
 *
 * <ul>
 *   <li>Redis: the geo set {@code points} ({@code DEL}, then {@code GEOADD} of 1,000 members per
 *       command, 8 commands in flight);
 *   <li>PostGIS: the table {@code points (id, lat, lon, geog geography(Point,4326))}, dropped and
 *       created, filled by multi-row {@code INSERT … SELECT FROM unnest(arrays)} of 5,000 rows,
 *       then a GiST index on {@code geog} and {@code ANALYZE}.
 * </ul>
 *
 * Prints one line per store with the records it then holds and the seconds the load took (for
 * PostGIS including the index). Run (after {@code mvn -q -f bench/baselines/pom.xml package
 * -DskipTests}):
 *
 * <pre>
 * java -cp "bench/baselines/target/classes:$(cat bench/baselines/target/classpath.txt)" \
 *   io.locus.bench.LoadBaselines --csv points.csv --redis 127.0.0.1:6390 --postgres 127.0.0.1:5440/bench
 * </pre>
 */
public final class LoadBaselines {
  static final int REDIS_BATCH = 1_000;
  static final int REDIS_IN_FLIGHT = 8;
  static final int POSTGIS_BATCH = 5_000;
  static final int POSTGIS_CONNECTIONS = 4;

  private static final String INSERT =
      "INSERT INTO points (id, lat, lon, geog)"
          + " SELECT id, lat, lon, ST_SetSRID(ST_MakePoint(lon, lat), 4326)::geography"
          + " FROM unnest($1::text[], $2::float8[], $3::float8[]) AS t(id, lat, lon)";

  private LoadBaselines() {}

  public static void main(String[] args) throws IOException {
    Options options =
        Options.parse(
            args,
            "LoadBaselines --csv FILE [--redis host:port] [--postgres host:port/database]",
            "csv", null, "redis", "127.0.0.1:6390", "postgres", "127.0.0.1:5440/bench");
    PointsCsv points = PointsCsv.read(Path.of(options.get("csv")));
    if (points.skipped > 0) {
      System.out.printf("skipped %d points beyond latitude %.8f (Redis cannot index them)%n", points.skipped, PointsCsv.REDIS_MAX_LAT);
    }
    Vertx vertx = Vertx.vertx();
    try {
      loadRedis(Stores.redis(vertx, options.get("redis"), REDIS_IN_FLIGHT), points);
      loadPostgis(Stores.postgres(vertx, options.get("postgres"), POSTGIS_CONNECTIONS), points);
    } finally {
      Await.result(vertx.close());
    }
  }

  static void loadRedis(Redis redis, PointsCsv points) {
    long start = System.nanoTime();
    Await.result(redis.send(Request.cmd(Command.DEL).arg(Stores.POINTS)));
    Await.windowed(batches(points.size, REDIS_BATCH), REDIS_IN_FLIGHT, b -> {
      Request add = Request.cmd(Command.GEOADD).arg(Stores.POINTS);
      for (int i = b * REDIS_BATCH, end = Math.min(points.size, i + REDIS_BATCH); i < end; i++) {
        add.arg(points.lons[i]).arg(points.lats[i]).arg(points.ids[i]);
      }
      return redis.send(add);
    });
    long held = Await.result(redis.send(Request.cmd(Command.ZCARD).arg(Stores.POINTS))).toLong();
    report("redis", held, start);
    Await.result(redis.close());
  }

  static void loadPostgis(Pool pool, PointsCsv points) {
    long start = System.nanoTime();
    Await.result(pool.query("DROP TABLE IF EXISTS points").execute());
    Await.result(
        pool.query("CREATE TABLE points (id text PRIMARY KEY, lat double precision, lon double precision,"
                + " geog geography(Point, 4326))")
            .execute());
    Await.windowed(batches(points.size, POSTGIS_BATCH), POSTGIS_CONNECTIONS, b -> {
      int from = b * POSTGIS_BATCH;
      int n = Math.min(points.size, from + POSTGIS_BATCH) - from;
      String[] ids = new String[n];
      Double[] lats = new Double[n];
      Double[] lons = new Double[n];
      for (int i = 0; i < n; i++) {
        ids[i] = points.ids[from + i];
        lats[i] = points.lats[from + i];
        lons[i] = points.lons[from + i];
      }
      return pool.preparedQuery(INSERT).execute(Tuple.of(ids, lats, lons));
    });
    long indexStart = System.nanoTime();
    Await.result(
        pool.withConnection(conn -> conn.query("SET maintenance_work_mem = '512MB'").execute()
            .compose(v -> conn.query("CREATE INDEX points_geog ON points USING GIST (geog)").execute())
            .compose(v -> conn.query("ANALYZE points").execute())));
    double indexSeconds = (System.nanoTime() - indexStart) / 1e9;
    long held = Await.result(pool.query("SELECT count(*) FROM points").execute()).iterator().next().getLong(0);
    report("postgis", held, start);
    System.out.printf("  (of which GiST index and ANALYZE %.1f s)%n", indexSeconds);
    Await.result(pool.close());
  }

  private static int batches(int size, int batch) {
    return (size + batch - 1) / batch;
  }

  private static void report(String store, long records, long startNanos) {
    System.out.printf("%-8s %,10d records  %6.1f s%n", store, records, (System.nanoTime() - startNanos) / 1e9);
  }
}
