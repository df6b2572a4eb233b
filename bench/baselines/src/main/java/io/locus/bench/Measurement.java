package io.locus.bench;

import io.vertx.core.json.JsonObject;

/**
 * One line of a benchmark's results: successful operations per second over the measured time,
 * latency percentiles of the successful ones, and the counts of operations that finished in it
 * ({@code requests}, failures included) and of those that failed ({@code errors}).
 */
record Measurement(
    String scenario, String system, String group, double throughput, double p50Ms, double p99Ms, long requests, long errors) {

  JsonObject toJson() {
    return new JsonObject()
        .put("scenario", scenario)
        .put("system", system)
        .put("group", group)
        .put("throughput", round(throughput, 1))
        .put("p50Ms", round(p50Ms, 3))
        .put("p99Ms", round(p99Ms, 3))
        .put("requests", requests)
        .put("errors", errors);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
