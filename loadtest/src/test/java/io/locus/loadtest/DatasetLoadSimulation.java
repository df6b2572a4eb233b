package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loads the benchmark dataset ({@link CityDataset}) into {@code layer}: {@code records} points
 * (default 100,000) from {@code seed} (default 1), as bulk POSTs of 100, by {@code users}
 * (default 8) clients, retrying a batch the node refused with 503 (queue full of work). Record
 * ids are {@code c<n>}, so loading twice overwrites rather than duplicates. With {@code
 * -Ddisc=lat,lon,km} the points are spread uniformly over that disc instead (the dense-city
 * case of the partition-size measurement).
 */
public class DatasetLoadSimulation extends Simulation {
  private static final long RECORDS = Long.getLong("records", 100_000);
  private static final CityDataset DATA = new CityDataset(Long.getLong("seed", 1));
  /** {@code lat,lon,km}: instead of cities, points spread uniformly over that disc. */
  private static final String DISC = System.getProperty("disc");
  private static final java.util.Random DISC_RANDOM = new java.util.Random(Long.getLong("seed", 1));
  private static final AtomicLong NEXT = new AtomicLong();

  private final ScenarioBuilder loaders =
      scenario("loaders")
          .asLongAs(session -> NEXT.get() < RECORDS)
          .on(
              exec(session -> session.set("batch", batch()))
                  .tryMax(20)
                  .on(
                      exec(
                          http("POST 100 records")
                              .post("/0.1/records/" + LoadShape.LAYER + ".json")
                              .body(StringBody("#{batch}"))
                              .check(status().is(202)))));

  {
    setUp(LoadShape.createLayer().andThen(loaders.injectOpen(atOnceUsers(Integer.getInteger("users", 8)))))
        .protocols(LoadShape.protocol())
        .assertions(global().failedRequests().percent().lt(LoadShape.MAX_ERROR_PERCENT));
  }

  private static synchronized double[] discPoint() {
    String[] f = DISC.split(",");
    double lat = Double.parseDouble(f[0]);
    double lon = Double.parseDouble(f[1]);
    double km = Double.parseDouble(f[2]) * Math.sqrt(DISC_RANDOM.nextDouble());
    double bearing = DISC_RANDOM.nextDouble() * 2 * Math.PI;
    double dLat = km * Math.cos(bearing) / 111.195;
    double dLon = km * Math.sin(bearing) / (111.195 * Math.cos(Math.toRadians(lat)));
    return new double[] {lat + dLat, lon + dLon};
  }

  private static String batch() {
    StringBuilder body = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < 100; i++) {
      long n = NEXT.getAndIncrement();
      if (n >= RECORDS) {
        break;
      }
      if (i > 0) {
        body.append(',');
      }
      body.append("{\"type\":\"Feature\",\"id\":\"c").append(n).append("\",\"created\":")
          .append(1_500_000_000L + n)
          .append(",\"geometry\":{\"type\":\"Point\",\"coordinates\":")
          .append(CityDataset.coordinates(DISC == null ? DATA.next() : discPoint()))
          .append("},\"properties\":{\"kind\":\"").append("abcd".charAt((int) (n % 4))).append("\"}}");
    }
    return body.append("]}").toString();
  }
}
