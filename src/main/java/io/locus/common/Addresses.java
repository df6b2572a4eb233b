package io.locus.common;

/**
 * Every event-bus address, in one place. The line on each says who consumes it; the HTTP
 * verticles are the senders unless noted.
 */
public final class Addresses {
  private Addresses() {}

  /** Record upserts and deletes to publish durably; consumed by {@code PublisherVerticle}. */
  public static final String PUBLISH = "locus.publish";

  /** "Is the broker reachable?"; answered by {@code PublisherVerticle}. */
  public static final String HEALTH_RABBITMQ = "locus.health.rabbitmq";

  /** "Is Cassandra reachable?"; answered by {@code QueryVerticle}. */
  public static final String HEALTH_CASSANDRA = "locus.health.cassandra";

  /** "How is the serving tier?"; answered by {@code ChangeFeedVerticle} on query nodes. */
  public static final String HEALTH_SERVING = "locus.health.serving";

  /**
   * Local to a node: {@code "layer"}, asking to load a layer into memory; sent by the query
   * verticles when a layer they were asked for is not held, consumed by {@code ChangeFeedVerticle}.
   */
  public static final String SERVING_WARM = "locus.serving.warm";

  /** Record reads (one, several, history); consumed by {@code QueryVerticle}. */
  public static final String RECORDS_READ = "locus.records.read";

  /** Spatial searches (nearby, within); consumed by {@code SpatialQueryVerticle}. */
  public static final String RECORDS_SEARCH = "locus.records.search";

  /** Layer reads and writes; consumed by {@code LayerVerticle}. */
  public static final String LAYERS = "locus.layers";

  /** OAuth consumers: get, create, list, revoke; consumed by {@code ConsumerVerticle}. */
  public static final String CONSUMERS = "locus.consumers";

  /**
   * Published (to every node) with {@code {"key":…}} when a consumer changed, so each API node
   * drops its cached copy; sent by {@code ConsumerVerticle}.
   */
  public static final String CONSUMERS_CHANGED = "locus.consumers.changed";
}
