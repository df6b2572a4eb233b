package io.locus.place;

import static org.assertj.core.api.Assertions.assertThat;

import io.locus.place.CityGeocoder.City;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The embedded city geocoder")
class CityGeocoderTest {
  private static final CityGeocoder CITIES =
      new CityGeocoder(
          List.of(
              new City("San Francisco", "US", "CA", 37.77493, -122.41942, 864816),
              new City("San Francisco", "AR", "05", -31.42797, -62.08266, 59062),
              new City("London", "GB", "ENG", 51.50853, -0.12574, 7556900),
              new City("London", "CA", "08", 42.98339, -81.23304, 346765),
              new City("Paris", "FR", "11", 48.85341, 2.3488, 2138551),
              new City("Paris", "US", "TX", 33.66094, -95.55551, 24782),
              new City("Zürich", "CH", "ZH", 47.36667, 8.55, 341730)));

  @Test
  @DisplayName("street, city, region: the city of that region, at city precision")
  void streetCityRegion() {
    Place place = CITIES.geocode("41 Decatur St, San Francisco, CA");
    assertThat(place.lat()).isEqualTo(37.77493);
    assertThat(place.lon()).isEqualTo(-122.41942);
    assertThat(place.precision()).isEqualTo("city");
    assertThat(place.source()).isEqualTo("cities");
    assertThat(place.detail().getString("country")).isEqualTo("US");
    assertThat(place.detail().getString("region")).isEqualTo("CA");
  }

  @Test
  @DisplayName("a region or country that names another city of that name picks it over a bigger one")
  void qualifiersWin() {
    assertThat(CITIES.geocode("Paris, TX").detail().getString("country")).isEqualTo("US");
    assertThat(CITIES.geocode("Paris, Texas, USA").detail().getString("country")).isEqualTo("US");
    assertThat(CITIES.geocode("1 Main St, London, Canada").detail().getString("country")).isEqualTo("CA");
    assertThat(CITIES.geocode("San Francisco, Argentina").detail().getString("country")).isEqualTo("AR");
  }

  @Test
  @DisplayName("without qualifiers, or with ones that match nothing, the most populous city")
  void populationDecides() {
    assertThat(CITIES.geocode("Paris").detail().getString("country")).isEqualTo("FR");
    assertThat(CITIES.geocode("London, Nowhere").detail().getString("country")).isEqualTo("GB");
  }

  @Test
  @DisplayName("case, accents, punctuation, postcodes beside the region and blank parts do not matter")
  void folding() {
    assertThat(CITIES.geocode("zurich").detail().getString("city")).isEqualTo("Zürich");
    assertThat(CITIES.geocode(" SAN FRANCISCO ,, ca 94103 ").detail().getString("country")).isEqualTo("US");
    assertThat(CITIES.geocode("San Francisco, United States").detail().getString("country")).isEqualTo("US");
  }

  @Test
  @DisplayName("an address naming no known city matches nothing")
  void noMatch() {
    assertThat(CITIES.geocode("1 Infinite Loop, Atlantis")).isNull();
    assertThat(CITIES.geocode(",,,")).isNull();
  }
}
