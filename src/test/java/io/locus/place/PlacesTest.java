package io.locus.place;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.locus.common.ConfigException;
import io.locus.common.Failure;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Places with nothing configured, and input refused before any lookup")
class PlacesTest {
  private static final Vertx VERTX = Vertx.vertx();
  private static final Places NOTHING = new Places(VERTX, PlaceSettings.from(settings()));

  /** A places section with no source configured. */
  private static JsonObject settings() {
    return new JsonObject()
        .put("ipDatabases", new JsonArray())
        .put("reloadCheckSeconds", 10)
        .put("citiesFile", "")
        .put("geocoderUrl", "")
        .put("geocoderTimeoutMs", 1000)
        .put("geocoderCacheSize", 10)
        .put("trustedProxies", new JsonArray())
        .put("forwardedHeader", "X-Forwarded-For");
  }

  @AfterAll
  static void close() {
    VERTX.close().await();
  }

  @Test
  @DisplayName("no IP database: 501 naming the key to set; a malformed address is still a 400")
  void noIpDatabase() {
    assertFailure(NOTHING.ip("8.8.8.8"), 501, "places.ipDatabases");
    assertFailure(NOTHING.ip("8.8.8"), 400, "not an IP address: 8.8.8");
  }

  @Test
  @DisplayName("no geocoder: 501 naming the keys to set; an empty address is still a 400")
  void noGeocoder() {
    assertFailure(NOTHING.address("41 Decatur St, San Francisco, CA"), 501, "places.citiesFile");
    assertFailure(NOTHING.address(" "), 400, "address=");
    assertFailure(NOTHING.address(null), 400, "address=");
  }

  @Test
  @DisplayName("nothing configured, nothing missing; the forms that look like IP addresses")
  void shapes() {
    assertThat(NOTHING.missingFiles()).isEmpty();
    assertThat(Places.looksLikeIp("8.8.8.8")).isTrue();
    assertThat(Places.looksLikeIp("1.2.3")).isTrue();
    assertThat(Places.looksLikeIp("::1")).isTrue();
    assertThat(Places.looksLikeIp("9q8yy")).isFalse();
    assertThat(Places.looksLikeIp("42")).as("a geohash of digits").isFalse();
    assertThat(Places.looksLikeIp("37.7,-122.4")).isFalse();
  }

  @Test
  @DisplayName("a configured file that cannot be read is named with its config key, so the node refuses to start")
  void missingFile() {
    JsonObject config = settings().put("ipDatabases", new JsonArray().add("target/no-such.mmdb")).put("citiesFile", "target/no-such.tsv");
    assertThat(new Places(VERTX, PlaceSettings.from(config)).missingFiles())
        .containsExactly("target/no-such.mmdb (config key 'places.ipDatabases')", "target/no-such.tsv (config key 'places.citiesFile')");
  }

  @Test
  @DisplayName("a geocoder URL without {address}, an unknown forwarding header or a malformed proxy block is refused by key")
  void badSettings() {
    assertThatThrownBy(() -> PlaceSettings.from(settings().put("geocoderUrl", "http://nominatim.local/search")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("places.geocoderUrl");
    assertThatThrownBy(() -> PlaceSettings.from(settings().put("geocoderUrl", "ftp://nominatim.local/{address}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("places.geocoderUrl");
    assertThatThrownBy(() -> PlaceSettings.from(settings().put("forwardedHeader", "X-Real-IP")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("places.forwardedHeader");
    assertThatThrownBy(() -> PlaceSettings.from(settings().put("trustedProxies", new JsonArray().add("10.0.0.0/33"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("places.trustedProxies");
    assertThat(PlaceSettings.from(settings().put("geocoderUrl", "https://nominatim.local/search?q={address}")).geocoderUrl()).endsWith("{address}");
  }

  private static void assertFailure(Future<Place> lookup, int status, String message) {
    Throwable cause = lookup.toCompletionStage().toCompletableFuture().handle((place, failed) -> failed).join();
    assertThat(cause).isInstanceOf(Failure.class).hasMessageContaining(message);
    assertThat(((Failure) cause).status()).isEqualTo(status);
  }
}
