package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantConcurrentUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Load shape and target, from system properties (the Makefile passes them through):
 * {@code baseUrl} (default http://127.0.0.1:8080; several, comma-separated, spread the load
 * round-robin over the nodes of a cluster), {@code users} (concurrent virtual users,
 * default 64), {@code rate} (when given, an open model at that many requests a second instead of
 * {@code users} closed-model clients; used by the simulations that say so), {@code duration}
 * (seconds, default 30), {@code layer} (default
 * {@code loadtest.points}), {@code maxP99Ms} (the p99 the run must stay under, default 2000),
 * {@code maxErrorPercent} (default 1), {@code consumerKey} and {@code consumerSecret} (the
 * OAuth consumer every request is signed as; default the development consumer).
 */
final class LoadShape {
  static final java.util.List<String> BASE_URLS =
      java.util.List.of(System.getProperty("baseUrl", "http://127.0.0.1:8080").split(","));
  static final String BASE_URL = BASE_URLS.get(0);
  static final int USERS = Integer.getInteger("users", 64);
  /** Requests a second for the open model; null (the default): the closed model with {@link #USERS}. */
  static final Double RATE = rate();
  static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("duration", 30));
  static final String LAYER = System.getProperty("layer", "loadtest.points");
  static final int MAX_P99_MS = Integer.getInteger("maxP99Ms", 2000);
  static final double MAX_ERROR_PERCENT = Double.parseDouble(System.getProperty("maxErrorPercent", "1"));

  static final String CONSUMER_KEY = System.getProperty("consumerKey", "locus-dev");
  static final String CONSUMER_SECRET = System.getProperty("consumerSecret", "locus-dev-secret");

  private LoadShape() {}

  /**
   * The HTTP protocol over every base URL given, every request signed with two-legged OAuth 1.0
   * (Gatling's own HMAC-SHA1 signer, no token) as Locus requires.
   */
  static HttpProtocolBuilder protocol() {
    return http.baseUrls(BASE_URLS)
        .contentTypeHeader("application/json")
        .shareConnections()
        .signWithOAuth1(CONSUMER_KEY, CONSUMER_SECRET, "", "");
  }

  /**
   * {@code request} under a load shape. With {@code rate} null, the closed model: {@link #USERS}
   * clients each sending it back to back for {@code duration}. Otherwise the open model: {@code
   * rate} new users a second for {@code duration}, each sending it once, so the offered load does
   * not drop when the target slows down.
   */
  static PopulationBuilder load(String name, ChainBuilder request, Double rate, Duration duration) {
    return rate == null
        ? scenario(name).during(duration).on(request).injectClosed(constantConcurrentUsers(USERS).during(duration))
        : scenario(name + " at a rate").exec(request).injectOpen(constantUsersPerSec(rate).during(duration));
  }

  /** {@link #load(String, ChainBuilder, Double, Duration)} with {@code rate} and {@code duration}. */
  static PopulationBuilder load(String name, ChainBuilder request) {
    return load(name, request, RATE, DURATION);
  }

  /**
   * What every simulation ends with: failed requests under {@link #MAX_ERROR_PERCENT} and the p99
   * of all requests under {@link #MAX_P99_MS}, over the whole run.
   */
  static List<Assertion> errorRateAndP99() {
    return List.of(
        global().failedRequests().percent().lt(MAX_ERROR_PERCENT),
        global().responseTime().percentile(99.0).lt(MAX_P99_MS));
  }

  private static Double rate() {
    String raw = System.getProperty("rate", "").trim();
    return raw.isEmpty() ? null : Double.valueOf(raw);
  }

  /** One request that creates the layer the simulation uses (idempotent); run it first. */
  static PopulationBuilder createLayer() {
    return scenario("create layer")
        .exec(
            http("create layer")
                .put("/0.1/layers/" + LAYER + ".json")
                .body(StringBody("{\"title\":\"load test\"}"))
                .check(status().is(200)))
        .injectOpen(atOnceUsers(1));
  }

  /** A GeoJSON Feature at a random point, as SimpleGeo clients send it; {@code id} may be null. */
  static String randomFeature(String id) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    double lat = random.nextDouble(-85, 85);
    double lon = random.nextDouble(-180, 180);
    String idField = id == null ? "" : "\"id\":\"" + id + "\",";
    return "{\"type\":\"Feature\"," + idField + "\"geometry\":{\"type\":\"Point\",\"coordinates\":["
        + String.format("%.6f,%.6f", lon, lat) + "]},\"properties\":{\"speed\":" + random.nextInt(120) + "}}";
  }
}
