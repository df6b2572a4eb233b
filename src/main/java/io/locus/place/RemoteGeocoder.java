package io.locus.place;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Street-level geocoding by an operator's geocoding service: a Nominatim-compatible search
 * (answers a JSON array of {@code {lat, lon, display_name, addresstype}}) or a Pelias-compatible
 * one (answers a GeoJSON FeatureCollection, Photon's too). The service's URL is a template whose
 * {@code {address}} Locus fills with the URL-encoded address. Non-blocking: one request at most
 * per address within the cache's hour, each given {@code timeoutMillis} in all; answers, a match
 * or none, are kept in a bounded cache.
 */
final class RemoteGeocoder {
  static final String PLACEHOLDER = "{address}";
  private static final Set<String> CITY_TYPES = Set.of("city", "town", "village", "hamlet", "municipality", "locality", "localadmin", "borough");
  private static final Set<String> REGION_TYPES = Set.of("country", "state", "region", "macroregion", "county");

  private final String urlTemplate;
  private final long timeoutMillis;
  private final HttpClient client;
  private final Cache<String, Optional<Place>> cache;

  RemoteGeocoder(Vertx vertx, String urlTemplate, long timeoutMillis, int cacheSize) {
    this.urlTemplate = urlTemplate;
    this.timeoutMillis = timeoutMillis;
    this.client = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout((int) timeoutMillis), new PoolOptions().setHttp1MaxSize(16));
    this.cache =
        Caffeine.newBuilder().maximumSize(cacheSize).expireAfterWrite(Duration.ofHours(1)).executor(Runnable::run).build();
  }

  /** Where the service places {@code address}: empty when it found nothing; failed when it did not answer in time or answered an error. */
  Future<Optional<Place>> geocode(String address) {
    String key = CityGeocoder.fold(address);
    Optional<Place> cached = cache.getIfPresent(key);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    String url = urlTemplate.replace(PLACEHOLDER, URLEncoder.encode(address, StandardCharsets.UTF_8));
    return client
        .request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).putHeader("Accept", "application/json"))
        .compose(request -> request.send())
        .compose(this::body)
        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
        .map(body -> parse(body))
        .onSuccess(place -> cache.put(key, place));
  }

  private Future<Buffer> body(HttpClientResponse response) {
    if (response.statusCode() / 100 != 2) {
      return Future.failedFuture("geocoding service answered " + response.statusCode());
    }
    return response.body();
  }

  /** The first match of either answer shape. */
  static Optional<Place> parse(Buffer body) {
    Object answer = Json.decodeValue(body);
    if (answer instanceof JsonArray nominatim) {
      if (nominatim.isEmpty()) {
        return Optional.empty();
      }
      JsonObject first = nominatim.getJsonObject(0);
      String type = first.getString("addresstype", first.getString("type", ""));
      JsonObject detail = new JsonObject().put("label", first.getString("display_name", ""));
      return Optional.of(new Place(
          Double.parseDouble(first.getString("lat")), Double.parseDouble(first.getString("lon")), precision(type), "geocoder", detail));
    }
    JsonArray features = ((JsonObject) answer).getJsonArray("features", new JsonArray());
    if (features.isEmpty()) {
      return Optional.empty();
    }
    JsonObject first = features.getJsonObject(0);
    JsonArray coordinates = first.getJsonObject("geometry").getJsonArray("coordinates");
    JsonObject properties = first.getJsonObject("properties", new JsonObject());
    String type = properties.getString("layer", properties.getString("type", ""));
    JsonObject detail = new JsonObject().put("label", properties.getString("label", properties.getString("name", "")));
    return Optional.of(new Place(coordinates.getDouble(1), coordinates.getDouble(0), precision(type), "geocoder", detail));
  }

  private static String precision(String type) {
    return CITY_TYPES.contains(type) ? "city" : REGION_TYPES.contains(type) ? "region" : "street";
  }
}
