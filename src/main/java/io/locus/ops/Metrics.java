package io.locus.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.EnumSet;

/**
 * Prometheus metrics through Vert.x Micrometer: HTTP server latency histograms per route,
 * method and status; event-bus traffic per address; JVM metrics; the Cassandra driver's request
 * timers; and Locus's own meters, named here:
 *
 * <ul>
 *   <li>{@value #PUBLISHED} / {@value #PUBLISH_FAILED}: operations the broker confirmed, or not;
 *   <li>{@value #APPLIED}{@code {kind}}: operations a writer applied and acknowledged;
 *   <li>{@value #DEAD_LETTERED}: operations sent to the dead-letter queue;
 *   <li>{@value #QUEUE_MESSAGES}{@code {queue}}: messages waiting in each shard queue and the
 *       dead-letter queue, sampled every few seconds;
 *   <li>{@value #WRITE_LAG}: from a write's acceptance (the broker's confirm) to its
 *       persistence in Cassandra;
 *   <li>{@value #SERVING_RECORDS} / {@value #SERVING_BYTES}: records and estimated bytes in a
 *       query node's memory; {@value #SERVING_LAYERS}{@code {state}}: layers warming, warm or
 *       over budget; {@value #SERVING_STALE}: 1 while the change feed is lost or being caught up;
 *   <li>{@value #CHANGE_STREAMS_OPENED} / {@value #CHANGE_STREAMS_CLOSED}{@code {reason}}: change
 *       streams opened and closed ({@code client}: the client left; {@code slow}: it read too
 *       slowly; {@code broker}: the node lost its broker; {@code stopping}; {@code replay}: its
 *       replay could not start); {@value #CHANGE_EVENTS}: events sent on them;
 *   <li>{@value #PLACES_LOOKUPS}{@code {kind,result}}: IP and street addresses placed for nearby
 *       ({@code found}; {@code unknown}: no source knows it; {@code refused}: malformed, or no source
 *       configured; {@code failed}); {@value
 *       #PLACES_GEOCODER_FAILURES}: calls to the geocoding service that failed or timed out, each
 *       answered from the city list instead.
 * </ul>
 */
public final class Metrics {
  public static final String PUBLISHED = "locus.publish.operations";
  public static final String PUBLISH_FAILED = "locus.publish.failures";
  public static final String APPLIED = "locus.write.operations";
  public static final String DEAD_LETTERED = "locus.write.dead.letters";
  public static final String QUEUE_MESSAGES = "locus.queue.messages";
  public static final String WRITE_LAG = "locus.write.lag";
  public static final String SERVING_RECORDS = "locus.serving.records";
  public static final String SERVING_BYTES = "locus.serving.bytes";
  public static final String SERVING_STALE = "locus.serving.stale";
  public static final String SERVING_LAYERS = "locus.serving.layers";
  public static final String CHANGE_STREAMS_OPENED = "locus.changes.streams.opened";
  public static final String CHANGE_STREAMS_CLOSED = "locus.changes.streams.closed";
  public static final String CHANGE_EVENTS = "locus.changes.events";
  public static final String WEBHOOK_DELIVERIES = "locus.webhook.deliveries";
  public static final String WEBHOOK_LAG = "locus.webhook.lag";
  public static final String ROLE_INSTANCES = "locus.role.instances";
  public static final String PLACES_LOOKUPS = "locus.places.lookups";
  public static final String PLACES_GEOCODER_FAILURES = "locus.places.geocoder.failures";

  private Metrics() {}

  /** {@code options} with Micrometer metrics on (Prometheus backend) when {@code enabled}. */
  public static VertxOptions withMetrics(VertxOptions options, boolean enabled) {
    if (!enabled) {
      return options;
    }
    return options.setMetricsOptions(
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true).setPublishQuantiles(true))
            .setLabels(EnumSet.of(Label.HTTP_ROUTE, Label.HTTP_METHOD, Label.HTTP_CODE, Label.EB_ADDRESS, Label.EB_SIDE, Label.EB_FAILURE)));
  }

  /**
   * The registry Locus's meters go to: Vert.x's Prometheus registry when metrics are on, else
   * Micrometer's global registry (which records nothing unless someone adds to it).
   */
  public static MeterRegistry registry() {
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    return registry != null ? registry : io.micrometer.core.instrument.Metrics.globalRegistry;
  }
}
