package io.locus.place;

import static io.locus.common.ConfigKeys.*;

import io.locus.common.ConfigException;
import io.locus.common.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The {@code places} section of the configuration, validated.
 *
 * @param ipDatabases the {@code .mmdb} files placing IP addresses, tried in order
 * @param reloadCheckSeconds how often, at most, they are checked for a new version on disk
 * @param citiesFile the embedded geocoder's city list; empty for none
 * @param geocoderUrl a geocoding service's URL template with {@code {address}}; empty for none
 * @param geocoderTimeoutMs how long that service may take
 * @param geocoderCacheSize how many of its answers are kept
 * @param callers who called, read through the trusted proxies
 */
public record PlaceSettings(
    List<String> ipDatabases,
    int reloadCheckSeconds,
    String citiesFile,
    String geocoderUrl,
    int geocoderTimeoutMs,
    int geocoderCacheSize,
    CallerAddress callers) {

  public static PlaceSettings from(JsonObject places) {
    ConfigReader reader = new ConfigReader(new JsonObject().put(PLACES, places)).section(PLACES);
    String geocoderUrl = reader.string(PLACES_GEOCODER_URL);
    if (!geocoderUrl.isEmpty()
        && (!geocoderUrl.matches("(?i)https?://.+") || !geocoderUrl.contains(RemoteGeocoder.PLACEHOLDER))) {
      throw new ConfigException(
          "config key 'places.geocoderUrl' (env LOCUS_PLACES_GEOCODER_URL) must be an http(s) URL with "
              + RemoteGeocoder.PLACEHOLDER + " in it, or empty, got \"" + geocoderUrl + "\"");
    }
    String headerName = reader.string(PLACES_FORWARDED_HEADER);
    CallerAddress.Header header = CallerAddress.Header.named(headerName);
    if (header == null) {
      throw new ConfigException(
          "config key 'places.forwardedHeader' (env LOCUS_PLACES_FORWARDED_HEADER) must be X-Forwarded-For or Forwarded, got \"" + headerName + "\"");
    }
    CallerAddress callers;
    try {
      callers = new CallerAddress(reader.strings(PLACES_TRUSTED_PROXIES), header);
    } catch (IllegalArgumentException malformed) {
      throw new ConfigException("config key 'places.trustedProxies' (env LOCUS_PLACES_TRUSTED_PROXIES): " + malformed.getMessage());
    }
    return new PlaceSettings(
        List.copyOf(reader.strings(PLACES_IP_DATABASES)),
        reader.integer(PLACES_RELOAD_CHECK_SECONDS, 1, 86_400),
        reader.string(PLACES_CITIES_FILE),
        geocoderUrl,
        reader.integer(PLACES_GEOCODER_TIMEOUT_MS, 50, 60_000),
        reader.integer(PLACES_GEOCODER_CACHE_SIZE, 0, 10_000_000),
        callers);
  }
}
