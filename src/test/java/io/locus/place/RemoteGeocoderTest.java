package io.locus.place;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A geocoding service's answer, Nominatim's or Pelias's")
class RemoteGeocoderTest {
  @Test
  @DisplayName("Nominatim: the first result's lat and lon (strings), its label, and its type's precision")
  void nominatim() {
    Place place =
        RemoteGeocoder.parse(Buffer.buffer(
                "[{\"lat\":\"37.7808\",\"lon\":\"-122.4071\",\"display_name\":\"41, Decatur Street, San Francisco\",\"addresstype\":\"building\"},"
                    + "{\"lat\":\"1\",\"lon\":\"2\"}]"))
            .orElseThrow();
    assertThat(place.lat()).isEqualTo(37.7808);
    assertThat(place.lon()).isEqualTo(-122.4071);
    assertThat(place.precision()).isEqualTo("street");
    assertThat(place.source()).isEqualTo("geocoder");
    assertThat(place.detail().getString("label")).startsWith("41, Decatur Street");
    assertThat(RemoteGeocoder.parse(Buffer.buffer("[{\"lat\":\"48.85\",\"lon\":\"2.35\",\"addresstype\":\"city\"}]")).orElseThrow().precision())
        .isEqualTo("city");
  }

  @Test
  @DisplayName("Pelias or Photon: the first feature's coordinates [lon, lat] and layer")
  void pelias() {
    Place place =
        RemoteGeocoder.parse(Buffer.buffer(
                "{\"type\":\"FeatureCollection\",\"features\":[{\"geometry\":{\"type\":\"Point\",\"coordinates\":[-122.4071,37.7808]},"
                    + "\"properties\":{\"layer\":\"address\",\"label\":\"41 Decatur St, San Francisco, CA, USA\"}}]}"))
            .orElseThrow();
    assertThat(place.lat()).isEqualTo(37.7808);
    assertThat(place.lon()).isEqualTo(-122.4071);
    assertThat(place.precision()).isEqualTo("street");
    assertThat(place.detail().getString("label")).isEqualTo("41 Decatur St, San Francisco, CA, USA");
  }

  @Test
  @DisplayName("no result is no match")
  void none() {
    assertThat(RemoteGeocoder.parse(Buffer.buffer("[]"))).isEmpty();
    assertThat(RemoteGeocoder.parse(Buffer.buffer("{\"type\":\"FeatureCollection\",\"features\":[]}"))).isEmpty();
  }
}
