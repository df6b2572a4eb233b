package io.locus.store;

import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.connection.BusyConnectionException;
import com.datastax.oss.driver.api.core.connection.ClosedConnectionException;
import com.datastax.oss.driver.api.core.connection.HeartbeatException;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.AllNodesFailedException;
import com.datastax.oss.driver.api.core.DriverTimeoutException;
import com.datastax.oss.driver.api.core.NoNodeAvailableException;
import com.datastax.oss.driver.api.core.servererrors.QueryExecutionException;
import io.locus.common.Failure;
import io.locus.ops.Metrics;
import io.vertx.cassandra.CassandraClient;
import io.vertx.cassandra.CassandraClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates Cassandra clients from {@link CassandraSettings}. */
public final class Cassandra {
  private static final String SHARED_NAME = "locus";
  private static final int START_TRIES = 3;
  private static final long START_RETRY_FIRST_DELAY_MS = 1_000;
  private static final Logger LOG = LoggerFactory.getLogger(Cassandra.class);

  private Cassandra() {}

  /**
   * The node-wide client bound to the Locus keyspace: one driver session shared by every
   * verticle instance of the node (the driver is asynchronous and multiplexes requests).
   */
  public static CassandraClient shared(Vertx vertx, CassandraSettings settings) {
    return CassandraClient.createShared(vertx, SHARED_NAME, options(settings).setKeyspace(settings.keyspace()));
  }

  /**
   * Creates the node-wide client and opens its session before any verticle uses it, so that
   * verticle instances starting together do not race to open it; the node hands this one
   * client to each of them. Building the driver's configuration reads and parses its defaults
   * from the class path, so that runs on a worker thread, not an event loop.
   */
  public static Future<CassandraClient> connectShared(Vertx vertx, CassandraSettings settings) {
    return vertx
        .executeBlocking(() -> shared(vertx, settings))
        .compose(client -> retryAtStart(vertx, () -> client.execute("SELECT release_version FROM system.local")).map(client));
  }

  /**
   * Runs one of a node's start requests to Cassandra (a schema statement, the session's first
   * query, the development consumer), trying again twice (1 s, then 2 s later) while Cassandra
   * is unavailable: a Cassandra that has just started, or one on a loaded machine, may close a
   * first connection it accepts a moment later, or answer its first schema changes late. The
   * request must be idempotent. The client opens its session again
   * on each try (a session that failed to open is not kept). Any other failure, and the third
   * unavailable one, fails at once.
   */
  public static <T> Future<T> retryAtStart(Vertx vertx, Supplier<Future<T>> request) {
    return retryAtStart(vertx, request, 1, START_RETRY_FIRST_DELAY_MS);
  }

  private static <T> Future<T> retryAtStart(Vertx vertx, Supplier<Future<T>> request, int tries, long delayMs) {
    return request
        .get()
        .recover(
            cause -> {
              if (!isUnavailable(cause) || tries >= START_TRIES) {
                return Future.failedFuture(cause);
              }
              LOG.warn("Cassandra unavailable at start (try {} of {}), trying again in {} ms: {}", tries, START_TRIES, delayMs, cause.getMessage());
              return vertx.timer(delayMs).compose(v -> retryAtStart(vertx, request, tries + 1, delayMs * 2));
            });
  }

  /** A client with no keyspace, for creating the schema. */
  static CassandraClient withoutKeyspace(Vertx vertx, CassandraSettings settings) {
    return CassandraClient.create(vertx, options(settings));
  }

  private static CassandraClientOptions options(CassandraSettings settings) {
    CassandraClientOptions options =
        new CassandraClientOptions().addContactPoint(settings.host(), settings.port());
    options
        .dataStaxClusterBuilder()
        .withLocalDatacenter(settings.localDatacenter())
        // The driver's request timers (cql-requests, client timeouts) go to the node's metrics.
        .withMetricRegistry(Metrics.registry())
        .withConfigLoader(
            DriverConfigLoader.programmaticBuilder()
                .withDuration(
                    DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofMillis(settings.requestTimeoutMs()))
                .withDuration(DefaultDriverOption.CONNECTION_INIT_QUERY_TIMEOUT, Duration.ofSeconds(5))
                .withDuration(DefaultDriverOption.RECONNECTION_BASE_DELAY, Duration.ofMillis(500))
                .withDuration(DefaultDriverOption.RECONNECTION_MAX_DELAY, Duration.ofSeconds(2))
                .withBoolean(DefaultDriverOption.REQUEST_WARN_IF_SET_KEYSPACE, false)
                .withString(DefaultDriverOption.SESSION_NAME, "locus")
                // A majority of the replicas for every read and write: with replication factor 3
                // an acknowledged write is on two replicas' commit logs (with 1, as in development, it is that one).
                .withString(DefaultDriverOption.REQUEST_CONSISTENCY, "LOCAL_QUORUM")
                .withString(DefaultDriverOption.METRICS_FACTORY_CLASS, "MicrometerMetricsFactory")
                .withStringList(DefaultDriverOption.METRICS_SESSION_ENABLED, List.of("cql-requests", "cql-client-timeouts"))
                // Writers keep hundreds of statements in flight: give them room on the wire.
                .withInt(DefaultDriverOption.CONNECTION_POOL_LOCAL_SIZE, 2)
                .withInt(DefaultDriverOption.CONNECTION_MAX_REQUESTS, 8192)
                .build());
    return options;
  }

  /**
   * Whether Cassandra could not be reached or did not answer in time: a transient failure,
   * worth retrying, never the client's fault.
   */
  public static boolean isUnavailable(Throwable cause) {
    return cause instanceof AllNodesFailedException
        || cause instanceof NoNodeAvailableException
        || cause instanceof DriverTimeoutException
        || cause instanceof QueryExecutionException
        || cause instanceof ClosedConnectionException
        || cause instanceof HeartbeatException
        || cause instanceof BusyConnectionException
        || cause instanceof IllegalStateException && String.valueOf(cause.getMessage()).contains("closed");
  }

  /**
   * The translation a Cassandra-backed {@code Dispatcher} applies: an outage becomes a 503 the
   * client may retry; anything else is left as it is.
   */
  public static Throwable translate(Throwable cause) {
    return isUnavailable(cause) ? Failure.unavailable("storage unavailable, retry later") : cause;
  }
}
