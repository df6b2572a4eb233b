package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What several simulations share: the nearby query path of each target ({@link
 * NearbySimulation}), and the 90/10 read/write mix against one loaded layer ({@link
 * MixedSimulation}, {@link SoakSimulation}). The mix reads and rewrites the records {@link
 * DatasetLoadSimulation} loaded into {@code layer}: ids {@code c0} to {@code c<records-1>}
 * ({@code records}, default 100,000).
 */
final class Chains {
  static final long RECORDS = Long.getLong("records", 100_000);

  /** Request names of the mix. */
  static final String READ_BY_ID = "mix read by id";
  static final String NEARBY = "mix nearby";
  static final String WRITE = "mix write";

  /**
   * Points drawn like the benchmark dataset, from {@code querySeed} (default 7): the centres of
   * nearby queries (where people are) and the new positions of the mix's writes.
   */
  static final CityDataset POINTS = new CityDataset(Long.getLong("querySeed", 7));

  /** The targets a nearby query can be sent to: Locus and the two baselines. */
  static final java.util.List<String> TARGETS = java.util.List.of("locus", "redis", "postgis");

  private Chains() {}

  /**
   * The path of a nearby query around {@code at} ({lat, lon}) on {@code target}: {@code locus}
   * ({@code /0.1/records/<layer>/nearby/<lat>,<lon>.json}), {@code redis} ({@code
   * /redis/nearby/<lat>,<lon>}) or {@code postgis} ({@code /postgis/nearby/<lat>,<lon>}), each with
   * {@code ?limit=} and, unless {@code radiusKm} is null (k-nearest), {@code &radius=} in km.
   */
  static String nearbyPath(String target, double[] at, String radiusKm, int limit) {
    String prefix =
        switch (target) {
          case "locus" -> "/0.1/records/" + LoadShape.LAYER + "/nearby/";
          case "redis" -> "/redis/nearby/";
          case "postgis" -> "/postgis/nearby/";
          default -> throw new IllegalArgumentException("target is one of " + TARGETS + ", got " + target);
        };
    return String.format(
        Locale.ROOT,
        "%s%.6f,%.6f%s?limit=%d%s",
        prefix, at[0], at[1], target.equals("locus") ? ".json" : "", limit,
        radiusKm == null ? "" : "&radius=" + radiusKm);
  }

  /** GET of one loaded record, {@code c<random>}. */
  static ChainBuilder readById() {
    return exec(
        http(READ_BY_ID)
            .get(session -> "/0.1/records/" + LoadShape.LAYER + "/" + randomId() + ".json")
            .check(status().is(200)));
  }

  /** Nearby on Locus, 1 km, limit 20, around a point drawn like the dataset. */
  static ChainBuilder nearby() {
    return exec(
        http(NEARBY)
            .get(session -> nearbyPath("locus", POINTS.next(), "1", 20))
            .check(status().is(200)));
  }

  /** PUT of a loaded record, {@code c<random>}, at a new position near a city. */
  static ChainBuilder write() {
    return exec(session -> session.set("writeId", randomId()))
        .exec(
            http(WRITE)
                .put("/0.1/records/" + LoadShape.LAYER + "/#{writeId}.json")
                .body(StringBody(session -> feature(session.getString("writeId"))))
                .check(status().is(202)));
  }

  /** One request of the mix: 45% read by id, 45% nearby, 10% write. */
  static ChainBuilder mix() {
    return randomSwitch().on(percent(45).then(readById()), percent(45).then(nearby()), percent(10).then(write()));
  }

  private static String randomId() {
    return "c" + ThreadLocalRandom.current().nextLong(RECORDS);
  }

  /** Record {@code id} ({@code c<n>}) at a new point, with the {@code kind} the loader gave it. */
  private static String feature(String id) {
    long n = Long.parseLong(id.substring(1));
    return "{\"type\":\"Feature\",\"id\":\"" + id + "\",\"geometry\":{\"type\":\"Point\",\"coordinates\":"
        + CityDataset.coordinates(POINTS.next()) + "},\"properties\":{\"kind\":\""
        + BenchDataset.kind(n) + "\"}}";
  }
}
