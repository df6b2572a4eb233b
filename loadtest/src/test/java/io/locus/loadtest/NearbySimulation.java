package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.Arrays;
import java.util.Random;

/**
 * Nearby queries around points drawn from the benchmark dataset's distribution (so they land
 * where people are; {@link Chains#POINTS}, seed {@code querySeed}, default 7), against {@code
 * target}: {@code locus} (the default: {@code /0.1/records/<layer>/nearby/<lat>,<lon>.json}),
 * {@code redis} ({@code /redis/nearby/<lat>,<lon>}) or {@code postgis} ({@code
 * /postgis/nearby/<lat>,<lon>}), the last two on the baseline server, so every target gets the
 * same queries from the same client. Properties: {@code radiiKm} (default 1, or {@code radiusKm}
 * when only that is given): one radius, or a comma list such as {@code 0.5,1,5,10} from which
 * each query picks one uniformly (from a generator seeded with {@code querySeed}, drawn along
 * with the centre, so the n-th query is the same on every target); {@code knn=true} drops the
 * radius (k-nearest) on every target; {@code limit} (default 20). Closed model with {@code users}
 * clients (default 64), or an open model at {@code rate} requests a second when given; {@code
 * duration} seconds. Request name {@code nearby r=<r>km limit=<n>}, {@code nearby mix
 * limit=<n>} with several radii, {@code nearby knn limit=<n>} with knn. Ends with assertions on
 * the error rate ({@code maxErrorPercent}) and p99 ({@code maxP99Ms}).
 */
public class NearbySimulation extends Simulation {
  private static final String TARGET = System.getProperty("target", "locus").trim();
  private static final boolean KNN = Boolean.getBoolean("knn");
  private static final String[] RADII = radii(System.getProperty("radiiKm", System.getProperty("radiusKm", "1")));
  private static final int LIMIT = Integer.getInteger("limit", 20);
  private static final Random RADIUS_CHOICE = new Random(Long.getLong("querySeed", 7));

  private static final String NAME =
      KNN ? "nearby knn limit=" + LIMIT
          : RADII.length == 1 ? "nearby r=" + RADII[0] + "km limit=" + LIMIT
          : "nearby mix limit=" + LIMIT;

  private final ChainBuilder query =
      exec(http(NAME).get(session -> nextPath()).check(status().is(200)));

  {
    if (!Chains.TARGETS.contains(TARGET)) {
      throw new IllegalArgumentException("target is one of " + Chains.TARGETS + ", got " + TARGET);
    }
    setUp(LoadShape.load("nearby", query))
        .protocols(LoadShape.protocol())
        .assertions(LoadShape.errorRateAndP99());
  }

  /** The next query: centre and radius drawn together, so their sequence depends on the seed only. */
  private static synchronized String nextPath() {
    double[] at = Chains.POINTS.next();
    String radius = KNN ? null : RADII.length == 1 ? RADII[0] : RADII[RADIUS_CHOICE.nextInt(RADII.length)];
    return Chains.nearbyPath(TARGET, at, radius, LIMIT);
  }

  private static String[] radii(String list) {
    String[] radii = Arrays.stream(list.split(",")).map(String::trim).filter(r -> !r.isEmpty()).toArray(String[]::new);
    for (String radius : radii) {
      if (!(Double.parseDouble(radius) > 0)) {
        throw new IllegalArgumentException("radiiKm must be positive numbers, got " + list);
      }
    }
    if (radii.length == 0 && !KNN) {
      throw new IllegalArgumentException("radiiKm is empty; for k-nearest give knn=true");
    }
    return radii;
  }
}
