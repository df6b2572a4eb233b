package io.locus.loadtest;

import static io.gatling.javaapi.core.CoreDsl.details;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A long, steady soak of {@link MixedSimulation}'s mix (same chains, {@link Chains}): an open
 * model at {@code rate} requests a second (default 200) for {@code duration} seconds (default 600;
 * note that {@code make loadtest} passes its own DURATION, 30 unless given), against {@code layer}
 * loaded with {@code records} records (default 100,000). For {@code make loadtest SIM=Soak}, not
 * part of the benchmark. Ends with assertions on the error rate ({@code maxErrorPercent}) and p99
 * ({@code maxP99Ms}) of the whole run, and on the p99 of each request kind ({@code mix read by
 * id}, {@code mix nearby}, {@code mix write}) under {@code maxP99Ms} too.
 */
public class SoakSimulation extends Simulation {
  private static final double RATE = LoadShape.RATE == null ? 200 : LoadShape.RATE;
  private static final Duration DURATION = Duration.ofSeconds(Integer.getInteger("duration", 600));

  {
    List<Assertion> assertions = new ArrayList<>(LoadShape.errorRateAndP99());
    for (String kind : List.of(Chains.READ_BY_ID, Chains.NEARBY, Chains.WRITE)) {
      assertions.add(details(kind).responseTime().percentile(99.0).lt(LoadShape.MAX_P99_MS));
    }
    setUp(LoadShape.load("soak", Chains.mix(), RATE, DURATION))
        .protocols(LoadShape.protocol())
        .assertions(assertions);
  }
}
