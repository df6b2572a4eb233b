package io.locus.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;

/**
 * The HTTP server of the read baselines: what a user would build instead of Locus, answering on
 * the same kind of Vert.x server, with as many verticle instances as cores (as Locus's API has).
 *
 * <ul>
 *   <li>{@code GET /ceiling}: {@code {"status":"ok"}}, the cost of the HTTP layer alone (the
 *       ceiling any Vert.x service reaches on this machine);
 *   <li>{@code GET /redis/nearby/{lat},{lon}?radius=<km>&limit=<n>}: Redis GEOSEARCH on the geo
 *       set {@code points}; without {@code radius}, the {@code limit} nearest;
 *   <li>{@code GET /postgis/nearby/{lat},{lon}?radius=<km>&limit=<n>}: PostGIS, k-nearest with
 *       {@code <->} on a GiST index, within {@code ST_DWithin} when there is a radius.
 * </ul>
 *
 * Both nearby answers are GeoJSON FeatureCollections shaped like Locus's, with {@code distance}
 * in metres; bad input gets 400 with a JSON message. The data comes from {@link LoadBaselines}.
 * Run (after {@code mvn -q -f bench/baselines/pom.xml package -DskipTests}):
 *
 * <pre>
 * java -cp "bench/baselines/target/classes:$(cat bench/baselines/target/classpath.txt)" \
 *   io.locus.bench.BaselineServer --port 8090 --redis 127.0.0.1:6390 --postgres 127.0.0.1:5440/bench
 * </pre>
 *
 * It runs until killed.
 */
public final class BaselineServer {
  /** Database connections in all (and Redis connections): shared out over the instances. */
  static final int CONNECTIONS = 8;

  private BaselineServer() {}

  public static void main(String[] args) {
    Options options =
        Options.parse(
            args,
            "BaselineServer [--port 8090] [--redis host:port] [--postgres host:port/database]",
            "port", "8090", "redis", "127.0.0.1:6390", "postgres", "127.0.0.1:5440/bench");
    int port = options.integer("port");
    int instances = Runtime.getRuntime().availableProcessors();
    int poolSize = Math.max(2, (CONNECTIONS + instances - 1) / instances);
    Vertx vertx = Vertx.vertx();
    vertx
        .deployVerticle(
            () -> new BaselineVerticle(port, options.get("redis"), options.get("postgres"), poolSize),
            new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.printf("baseline server on http://127.0.0.1:%d (%d instances)%n", port, instances))
        .onFailure(
            cause -> {
              System.err.println("baseline server did not start: " + cause.getMessage());
              vertx.close().onComplete(done -> System.exit(1));
            });
  }
}
