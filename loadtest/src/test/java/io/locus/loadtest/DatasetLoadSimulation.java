package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import java.util.List;

/**
 * Loads the benchmark dataset ({@link BenchDataset}: points drawn from {@link CityDataset}) into
 * {@code layer}, creating the layer first: {@code records} points (default 100,000) from {@code
 * seed} (default 1), as bulk POSTs of 100, by {@code users} (default 8) clients, retrying a batch
 * up to 20 times when the node refused it (503: queue full of work). Record ids are {@code c<n>},
 * each always with the same point for a given seed (whatever the number of clients), so loading
 * twice overwrites rather than duplicates, and {@link ExportDataset} writes exactly these records
 * for the baselines. With {@code -Ddisc=lat,lon,km} the points are spread uniformly over that disc
 * instead (the dense-city case of the partition-size measurement). Ends with assertions on the
 * error rate ({@code maxErrorPercent}) and on the p99 under {@code loadMaxP99Ms} (default the
 * larger of 30,000 and {@code maxP99Ms}): loading is set-up, not a measurement, and a bulk POST
 * of 100 routinely takes seconds on a busy machine, so it gets its own bound, there only to catch
 * a stalled node.
 */
public class DatasetLoadSimulation extends Simulation {
  private static final BenchDataset DATA = BenchDataset.fromProperties();
  private static final int MAX_P99_MS = Integer.getInteger("loadMaxP99Ms", Math.max(30_000, LoadShape.MAX_P99_MS));

  private final ScenarioBuilder loaders =
      scenario("loaders")
          .exec(DatasetLoadSimulation::takeBatch)
          .asLongAs(session -> session.getString("batch") != null)
          .on(
              tryMax(20)
                  .on(
                      exec(
                          http("POST 100 records")
                              .post("/0.1/records/" + LoadShape.LAYER + ".json")
                              .body(StringBody("#{batch}"))
                              .check(status().is(202))))
                  .exec(DatasetLoadSimulation::takeBatch));

  {
    setUp(LoadShape.createLayer().andThen(loaders.injectOpen(atOnceUsers(Integer.getInteger("users", 8)))))
        .protocols(LoadShape.protocol())
        .assertions(
            global().failedRequests().percent().lt(LoadShape.MAX_ERROR_PERCENT),
            global().responseTime().percentile(99.0).lt(MAX_P99_MS));
  }

  /** Puts the next 100 records in the session as a FeatureCollection, or removes it when none are left. */
  private static Session takeBatch(Session session) {
    List<BenchDataset.Point> points = DATA.next(100);
    return points.isEmpty() ? session.remove("batch") : session.set("batch", featureCollection(points));
  }

  private static String featureCollection(List<BenchDataset.Point> points) {
    StringBuilder body = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
    for (BenchDataset.Point point : points) {
      if (body.charAt(body.length() - 1) != '[') {
        body.append(',');
      }
      body.append("{\"type\":\"Feature\",\"id\":\"").append(point.id()).append("\",\"created\":")
          .append(1_500_000_000L + point.n())
          .append(",\"geometry\":{\"type\":\"Point\",\"coordinates\":")
          .append(point.coordinates())
          .append("},\"properties\":{\"kind\":\"").append(BenchDataset.kind(point.n())).append("\"}}");
    }
    return body.append("]}").toString();
  }
}
