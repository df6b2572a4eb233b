package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.util.Locale;

/**
 * Nearby queries around points drawn from the benchmark dataset's distribution (so they land
 * where people are): radius {@code radiusKm} (default 1; 0 or absent with {@code knn=true}
 * means k-nearest), {@code limit} (default 20). Closed model with {@code users} clients
 * (default 32), or an open model at {@code rate} requests per second when given.
 */
public class NearbySimulation extends Simulation {
  private static final CityDataset CENTRES = new CityDataset(Long.getLong("querySeed", 7));
  private static final String RADIUS = System.getProperty("radiusKm", "1");
  private static final int LIMIT = Integer.getInteger("limit", 20);
  private static final Integer RATE = Integer.getInteger("rate");

  private final String name = "nearby r=" + RADIUS + "km limit=" + LIMIT;

  private final ScenarioBuilder clients =
      scenario("nearby")
          .during(LoadShape.DURATION)
          .on(
              exec(
                  http(name)
                      .get(
                          session -> {
                            double[] at = CENTRES.next();
                            return String.format(
                                Locale.ROOT,
                                "/0.1/records/%s/nearby/%.6f,%.6f.json?limit=%d%s",
                                LoadShape.LAYER, at[0], at[1], LIMIT,
                                Boolean.getBoolean("knn") ? "" : "&radius=" + RADIUS);
                          })
                      .check(status().is(200))));

  private final ScenarioBuilder paced =
      scenario("nearby at a rate")
          .exec(
              http(name)
                  .get(
                      session -> {
                        double[] at = CENTRES.next();
                        return String.format(
                            Locale.ROOT, "/0.1/records/%s/nearby/%.6f,%.6f.json?limit=%d&radius=%s",
                            LoadShape.LAYER, at[0], at[1], LIMIT, RADIUS);
                      })
                  .check(status().is(200)));

  {
    PopulationBuilder population =
        RATE == null
            ? clients.injectClosed(constantConcurrentUsers(LoadShape.USERS).during(LoadShape.DURATION))
            : paced.injectOpen(constantUsersPerSec(RATE).during(LoadShape.DURATION));
    setUp(population)
        .protocols(LoadShape.protocol())
        .assertions(
            global().failedRequests().percent().lt(LoadShape.MAX_ERROR_PERCENT),
            global().responseTime().percentile(99.0).lt(LoadShape.MAX_P99_MS));
  }
}
