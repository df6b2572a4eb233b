package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

import io.gatling.javaapi.core.Simulation;

/**
 * The ceiling of the setup: GET {@code /ceiling}, a trivial endpoint of the baseline server (no
 * storage behind it), so the load generator, HTTP stack and machine set the limit, to read the
 * other results against. Closed model with {@code users} clients (default 64), or an open model at
 * {@code rate} requests a second when given; {@code duration} seconds. Request name {@code
 * ceiling}. Requests are signed like all others; the baseline server ignores the header. Ends
 * with assertions on the error rate ({@code maxErrorPercent}) and p99 ({@code maxP99Ms}).
 */
public class CeilingSimulation extends Simulation {
  {
    setUp(LoadShape.load("ceiling", exec(http("ceiling").get("/ceiling").check(status().is(200)))))
        .protocols(LoadShape.protocol())
        .assertions(LoadShape.errorRateAndP99());
  }
}
