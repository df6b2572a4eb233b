package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Write load: {@code users} clients each PUT one record at a time ({@code -Dbatch=1}, the
 * default) or POST FeatureCollections of {@code batch} records, for {@code duration} seconds;
 * with {@code -Drate=R}, R such requests a second instead (the open model, {@link LoadShape}).
 * Alongside, two probe clients measure the lag from a write's 202 to the record being
 * readable: each PUTs a fresh record and, from its 202, polls GET every 2 ms until it answers
 * 200 (see {@link LagRecorder}; the lag's p50/p99 are printed and written to {@code
 * target/gatling/ingest-*-lag.json}). Writes random points into {@code layer}, which it creates
 * first. Ends with assertions on the error rate ({@code maxErrorPercent}) and on the p99 of the
 * writes ({@code maxP99Ms}; the probes' polling GETs are left out of it). {@code -DlagProbe=false} leaves the
 * probes out, for a run where something else measures.
 */
public class IngestSimulation extends Simulation {
  private static final int BATCH = Integer.getInteger("batch", 1);
  /** Whether the two lag-probe clients run ({@code -DlagProbe=false}: the writes alone, e.g. while something else measures). */
  private static final boolean LAG_PROBE = Boolean.parseBoolean(System.getProperty("lagProbe", "true"));


  private final ChainBuilder putOne =
      exec(
          http("PUT record")
              .put(session -> "/0.1/records/" + LoadShape.LAYER + "/" + UUID.randomUUID() + ".json")
              .body(StringBody(session -> LoadShape.randomFeature(null)))
              .check(status().is(202)));

  private final ChainBuilder postBatch =
      exec(
          http("POST " + BATCH + " records")
              .post("/0.1/records/" + LoadShape.LAYER + ".json")
              .body(StringBody(session -> batch()))
              .check(status().is(202)));


  private final ScenarioBuilder lagProbe =
      scenario("lag probe")
          .during(LoadShape.DURATION)
          .on(
              exec(session -> session.set("id", "probe-" + UUID.randomUUID()).set("status", 0))
                  .exec(
                      http("probe PUT")
                          .put("/0.1/records/" + LoadShape.LAYER + "/#{id}.json")
                          .body(StringBody(session -> LoadShape.randomFeature(session.getString("id"))))
                          .check(status().is(202)))
                  .exec(session -> session.set("accepted", System.nanoTime()))
                  .asLongAs(session -> session.getInt("status") != 200)
                  .on(
                      exec(
                              http("probe GET")
                                  .get("/0.1/records/" + LoadShape.LAYER + "/#{id}.json")
                                  .check(status().in(200, 404).saveAs("status")))
                          .pause(Duration.ofMillis(2)))
                  .exec(
                      session -> {
                        LAG.record(session.getLong("accepted"));
                        return session;
                      }));

  private static final LagRecorder LAG = new LagRecorder();

  @Override
  public void after() {
    LAG.report(BATCH == 1 ? "ingest-single" : "ingest-batch-" + BATCH);
  }

  {
    setUp(
            LoadShape.createLayer()
                .andThen(
                    LAG_PROBE
                        ? List.of(
                            LoadShape.load("writers", BATCH == 1 ? putOne : postBatch),
                            lagProbe.injectClosed(constantConcurrentUsers(2).during(LoadShape.DURATION)))
                        : List.of(LoadShape.load("writers", BATCH == 1 ? putOne : postBatch))))
        .protocols(LoadShape.protocol())
        .assertions(
            global().failedRequests().percent().lt(LoadShape.MAX_ERROR_PERCENT),
            details(BATCH == 1 ? "PUT record" : "POST " + BATCH + " records")
                .responseTime()
                .percentile(99.0)
                .lt(LoadShape.MAX_P99_MS));
  }

  private static String batch() {
    StringBuilder body = new StringBuilder("{\"type\":\"FeatureCollection\",\"features\":[");
    for (int i = 0; i < BATCH; i++) {
      if (i > 0) {
        body.append(',');
      }
      body.append(LoadShape.randomFeature(UUID.randomUUID().toString()));
    }
    return body.append("]}").toString();
  }
}
