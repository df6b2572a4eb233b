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

  /**
   * Local to a node: the prefix of each layer's live changes ({@link #changesOf}), published by
   * {@code ChangeStreamVerticle} as {@code feed.StreamedChange}s, consumed by the change-stream
   * subscriptions of the node's HTTP verticles.
   */
  public static final String CHANGES = "locus.changes.";

  /**
   * Local to a node: a {@code feed.ReplayRequest} from a subscription resuming after an offset;
   * consumed by {@code ChangeStreamVerticle}, which replies with the offset the replay ends at.
   */
  public static final String CHANGES_REPLAY = "locus.changes-replay";

  /** Local to a node: the address a replay delivers to, whose subscription closed; consumed by {@code ChangeStreamVerticle}. */
  public static final String CHANGES_REPLAY_CANCEL = "locus.changes-replay.cancel";

  /**
   * Local to a node: published by {@code ChangeStreamVerticle} with a reason when it lost its
   * broker connection and may have missed changes; every subscription closes its stream.
   */
  public static final String CHANGES_INTERRUPTED = "locus.changes-interrupted";

  /** The address of {@code layer}'s live changes on a node. */
  public static String changesOf(String layer) {
    return CHANGES + layer;
  }

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

  /**
   * Published (to every node) with a webhook receiver's endpoint id when a change was first
   * routed to its queue, so that every node's {@code HookVerticle} consumes that queue.
   */
  public static final String HOOK_ENDPOINTS = "locus.hooks.endpoints";

  /** Published (to every node) with a layer's name when its fences changed; sent by {@code LayerVerticle}. */
  public static final String FENCES_CHANGED = "locus.fences.changed";

  /**
   * The prefix of each node's own address for its roles ({@link #rolesOf}): how many verticle
   * instances it runs per role, and scaling them; served by the node itself ({@code NodeRoles}).
   */
  public static final String ROLES = "locus.roles.";

  /** The address of {@code node}'s roles. */
  public static String rolesOf(String node) {
    return ROLES + node;
  }
}
