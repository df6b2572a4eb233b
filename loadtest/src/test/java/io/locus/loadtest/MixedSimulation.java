package io.locus.loadtest;

import io.gatling.javaapi.core.Simulation;

/**
 * A read-mostly mix on one loaded layer: 90% reads, 10% writes, by the same clients. Reads are,
 * half and half, GET of a record by id ({@code mix read by id}) and nearby 1 km, limit 20 ({@code
 * mix nearby}); writes PUT a record at a new position near a city ({@code mix write}). Ids are
 * {@code c<random>} below {@code records} (default 100,000): {@code layer} must exist and hold
 * the dataset {@link DatasetLoadSimulation} loaded with the same {@code records}, and is written
 * to. Closed model with {@code users} clients (default 64), or an open model at {@code rate}
 * requests a second when given; {@code duration} seconds; {@code querySeed} (default 7) for the
 * nearby centres and new positions. See {@link Chains}. Ends with assertions on the error rate
 * ({@code maxErrorPercent}) and p99 ({@code maxP99Ms}) over the whole run.
 */
public class MixedSimulation extends Simulation {
  {
    setUp(LoadShape.load("mix", Chains.mix()))
        .protocols(LoadShape.protocol())
        .assertions(LoadShape.errorRateAndP99());
  }
}
