package io.locus.bench;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * One instance of the baseline HTTP API (see {@link BaselineServer}): {@code /ceiling}, {@code
 * /redis/nearby/{lat},{lon}} and {@code /postgis/nearby/{lat},{lon}}. Each instance has its own
 * Redis client and PostgreSQL pool, as each of Locus's API instances has its own clients.
 */
final class BaselineVerticle extends VerticleBase {
  /**
   * k-nearest in Redis: GEOSEARCH needs a radius, so the search starts at this one and widens
   * fourfold until it finds enough points (what a Redis user does: one search over the whole
   * Earth reads every point of the set).
   */
  static final double KNN_FIRST_RADIUS_KM = 1;

  /** The widest search: it takes in the whole Earth. */
  static final double KNN_RADIUS_KM = 20_000;

  private static final String POINT = "ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography";
  private static final String WITHIN =
      "SELECT id, lon, lat, ST_Distance(geog, " + POINT + ") AS d FROM points"
          + " WHERE ST_DWithin(geog, " + POINT + ", $3) ORDER BY geog <-> " + POINT + " LIMIT $4";
  private static final String NEAREST =
      "SELECT id, lon, lat, ST_Distance(geog, " + POINT + ") AS d FROM points"
          + " ORDER BY geog <-> " + POINT + " LIMIT $3";
  private static final JsonObject OK = new JsonObject().put("status", "ok");

  private final int port;
  private final String redisAddress;
  private final String postgresAddress;
  private final int poolSize;
  private Redis redis;
  private Pool postgres;

  BaselineVerticle(int port, String redisAddress, String postgresAddress, int poolSize) {
    this.port = port;
    this.redisAddress = redisAddress;
    this.postgresAddress = postgresAddress;
    this.poolSize = poolSize;
  }

  @Override
  public Future<?> start() {
    redis = Stores.redis(vertx, redisAddress, poolSize);
    postgres = Stores.postgres(vertx, postgresAddress, poolSize);
    Router router = Router.router(vertx);
    router.get("/ceiling").handler(ctx -> json(ctx, 200, OK));
    router.get("/redis/nearby/:point").handler(ctx -> nearby(ctx, this::redisNearby));
    router.get("/postgis/nearby/:point").handler(ctx -> nearby(ctx, this::postgisNearby));
    router.route().last().handler(ctx -> error(ctx, 404, "no such endpoint"));
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1").map((HttpServer s) -> null);
  }

  @Override
  public Future<?> stop() {
    return Future.join(redis.close(), postgres.close());
  }

  private interface Search {
    Future<Features> run(NearbyQuery query);
  }

  private void nearby(RoutingContext ctx, Search search) {
    NearbyQuery query;
    try {
      query = NearbyQuery.from(ctx);
    } catch (IllegalArgumentException e) {
      error(ctx, 400, e.getMessage());
      return;
    }
    search
        .run(query)
        .onSuccess(features -> json(ctx, 200, features.collection()))
        .onFailure(cause -> error(ctx, 503, cause.getMessage()));
  }

  private Future<Features> redisNearby(NearbyQuery q) {
    return q.radiusKm() != null ? geosearch(q, q.radiusKm()) : redisNearest(q, KNN_FIRST_RADIUS_KM);
  }

  private Future<Features> redisNearest(NearbyQuery q, double radiusKm) {
    return geosearch(q, radiusKm)
        .compose(
            found ->
                found.size() >= q.limit() || radiusKm >= KNN_RADIUS_KM
                    ? Future.succeededFuture(found)
                    : redisNearest(q, Math.min(KNN_RADIUS_KM, radiusKm * 4)));
  }

  /** GEOSEARCH ... ASC COUNT n WITHCOORD WITHDIST: each item is [member, distance, [lon, lat]]. */
  private Future<Features> geosearch(NearbyQuery q, double radiusKm) {
    Request request =
        Request.cmd(Command.GEOSEARCH)
            .arg(Stores.POINTS)
            .arg("FROMLONLAT").arg(q.lon()).arg(q.lat())
            .arg("BYRADIUS").arg(radiusKm).arg("km")
            .arg("ASC").arg("COUNT").arg(q.limit())
            .arg("WITHCOORD").arg("WITHDIST");
    return redis
        .send(request)
        .map(
            (Response items) -> {
              Features features = new Features();
              for (Response item : items) {
                Response lonLat = item.get(2);
                features.add(
                    item.get(0).toString(),
                    lonLat.get(0).toDouble(),
                    lonLat.get(1).toDouble(),
                    Math.round(item.get(1).toDouble() * 10_000) / 10.0); // km, 4 decimals, to m
              }
              return features;
            });
  }

  /** k-nearest by the {@code <->} operator on the GiST index, within ST_DWithin when there is a radius. */
  private Future<Features> postgisNearby(NearbyQuery q) {
    Future<RowSet<Row>> rows =
        q.radiusKm() == null
            ? postgres.preparedQuery(NEAREST).execute(Tuple.of(q.lon(), q.lat(), q.limit()))
            : postgres.preparedQuery(WITHIN).execute(Tuple.of(q.lon(), q.lat(), q.radiusKm() * 1000, q.limit()));
    return rows.map(
        set -> {
          Features features = new Features();
          for (Row row : set) {
            features.add(row.getString("id"), row.getDouble("lon"), row.getDouble("lat"), row.getDouble("d"));
          }
          return features;
        });
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
  }

  private static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("code", status).put("message", String.valueOf(message)));
  }
}
