package io.locus.loadtest;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Load shape and target, from system properties (the Makefile passes them through):
 * {@code baseUrl} (default http://127.0.0.1:8080; several, comma-separated, spread the load
 * round-robin over the nodes of a cluster), {@code users} (concurrent virtual users,
 * default 64), {@code duration} (seconds, default 30), {@code layer} (default
 * {@code loadtest.points}), {@code maxP99Ms} (the p99 the run must stay under, default 2000),
 * {@code maxErrorPercent} (default 1).
 */
final class LoadShape {
  static final java.util.List<String> BASE_URLS =
      java.util.List.of(System.getProperty("baseUrl", "http://127.0.0.1:8080").split(","));
  static final String BASE_URL = BASE_URLS.get(0);
  static final int USERS = Integer.getInteger("users", 64);
  static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("duration", 30));
  static final String LAYER = System.getProperty("layer", "loadtest.points");
  static final int MAX_P99_MS = Integer.getInteger("maxP99Ms", 2000);
  static final double MAX_ERROR_PERCENT = Double.parseDouble(System.getProperty("maxErrorPercent", "1"));

  private LoadShape() {}

  /** The HTTP protocol over every base URL given. */
  static io.gatling.javaapi.http.HttpProtocolBuilder protocol() {
    return io.gatling.javaapi.http.HttpDsl.http.baseUrls(BASE_URLS).contentTypeHeader("application/json").shareConnections();
  }

  /** Creates the layer the simulation writes to (idempotent). */
  static void ensureLayer() {
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(BASE_URL + "/0.1/layers/" + LAYER + ".json"))
                      .PUT(HttpRequest.BodyPublishers.ofString("{\"title\":\"load test\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("could not create layer " + LAYER + ": " + response.body());
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("Locus is not reachable at " + BASE_URL + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
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
