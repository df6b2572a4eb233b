package io.locus.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.impl.RabbitMQClientImpl;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to RabbitMQ that Locus owns, one AMQP channel on it. The RabbitMQ client is made
 * with its own reconnection off: the client would otherwise replace a closed channel behind its
 * owner's back (without its QoS, its confirm listener or its consumers' tags retired), re-subscribe
 * consumers before the owner's setup ran, and cancel consumers later on a channel since closed.
 * Here a connection is used only as its owner set it up, in one fixed order on one channel
 * ({@code setup}: declare, then confirm mode and listener, then QoS, then consume), and anything
 * that breaks it is met with a rebuild from scratch:
 *
 * <ul>
 *   <li>every {@value #WATCH_MS} ms it checks that the connection is open and its channel is
 *       still the one set up (the client counts the channels it opens: a replacement is seen);
 *   <li>its owner may declare it broken ({@link #rebuild}), e.g. when confirms stop arriving;
 *   <li>then it is {@link #epoch() epoch} + 1 at once (whatever was received on the old channel
 *       has lapsed: the broker requeues it when the channel goes; its delivery tags must never be
 *       used again), the owner is told ({@code lost}), the old client is stopped, and a new client
 *       is connected and set up every {@code reconnectIntervalMs} until one is.
 * </ul>
 *
 * <p>The first connection and its setup are tried {@value #START_ATTEMPTS} times, each with a
 * fresh client ({@value #START_RETRY_DELAY_MS} ms, then twice that, apart): a broker on a loaded
 * machine may let an AMQP handshake time out, or refuse a declaration for a moment after it
 * restarted. Then a wrong host stops the node at start. Use it from the context it is made on.
 */
final class BrokerConnection implements Deliveries.Epochs {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerConnection.class);
  static final int START_ATTEMPTS = 3;
  static final long START_RETRY_DELAY_MS = 1_000;
  static final long WATCH_MS = 250;

  private final Vertx vertx;
  private final Context context;
  private final RabbitSettings settings;
  private final String name;
  private final BiFunction<RabbitMQClient, Long, Future<Void>> setup;
  private final Consumer<String> lost;
  private RabbitMQClient client;
  private long channelInstance;
  private long epoch;
  private boolean ready;
  private boolean closed;
  private long watch = -1;

  /**
   * @param name what the connection is for, in log lines
   * @param setup runs on every new connection, before it is {@link #ready}, with the connection's
   *     epoch: it must finish on the connection's one channel
   * @param lost told why, on this context, as soon as a ready connection is found broken
   */
  BrokerConnection(
      Vertx vertx,
      RabbitSettings settings,
      String name,
      BiFunction<RabbitMQClient, Long, Future<Void>> setup,
      Consumer<String> lost) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.settings = settings;
    this.name = name;
    this.setup = setup;
    this.lost = lost;
  }

  /** Connects and sets up, {@value #START_ATTEMPTS} tries; then watches the connection. */
  Future<Void> start() {
    return attempt(1)
        .onSuccess(v -> watch = vertx.setPeriodic(WATCH_MS, t -> check()));
  }

  /** Whether the connection is set up and was not found broken since. */
  boolean ready() {
    return ready;
  }

  /** The current connection's number: it changes as soon as a connection is found broken. */
  @Override
  public long epoch() {
    return epoch;
  }

  /**
   * The client of connection {@code epoch} while it is the current one (it may still be in its
   * setup), else {@code null}: what it received has lapsed.
   */
  @Override
  public RabbitMQClient clientAt(long epoch) {
    return epoch == this.epoch ? client : null;
  }

  /** The client if the connection is ready, else {@code null}. */
  RabbitMQClient client() {
    return ready ? client : null;
  }

  /** Declares the connection broken ({@code why}) and rebuilds it; nothing if it is not ready. */
  void rebuild(String why) {
    context.runOnContext(v -> lose(why));
  }

  /** Stops the connection for good. */
  Future<Void> close() {
    closed = true;
    ready = false;
    epoch++;
    if (watch >= 0) {
      vertx.cancelTimer(watch);
    }
    RabbitMQClient current = client;
    client = null;
    return current == null ? Future.succeededFuture() : current.stop().recover(cause -> Future.succeededFuture());
  }

  private void check() {
    if (ready && !healthy(client)) {
      lose(client.isConnected() ? "its channel closed" : "the connection closed");
    }
  }

  private boolean healthy(RabbitMQClient candidate) {
    return candidate.isConnected() && candidate.isOpenChannel() && channelInstance(candidate) == channelInstance;
  }

  /** How many channels the client has opened: it replaces a closed channel by itself on its next call. */
  private static long channelInstance(RabbitMQClient client) {
    return client instanceof RabbitMQClientImpl impl ? impl.getChannelInstance() : 0;
  }

  private void lose(String why) {
    if (!ready || closed) {
      return;
    }
    ready = false;
    epoch++;
    RabbitMQClient broken = client;
    client = null;
    LOG.warn("RabbitMQ connection ({}) lost: {}; rebuilding it", name, why);
    lost.accept(why);
    broken.stop().onComplete(stopped -> reconnect());
  }

  private void reconnect() {
    if (closed) {
      return;
    }
    connect()
        .onSuccess(v -> LOG.info("RabbitMQ connection ({}) rebuilt", name))
        .onFailure(
            cause -> {
              LOG.warn("RabbitMQ connection ({}) not rebuilt, trying again in {} ms: {}", name, settings.reconnectIntervalMs(), describe(cause));
              vertx.setTimer(settings.reconnectIntervalMs(), t -> reconnect());
            });
  }

  private Future<Void> attempt(int attempt) {
    return connect()
        .recover(
            cause -> {
              if (attempt < START_ATTEMPTS && !closed) {
                long delayMs = START_RETRY_DELAY_MS * attempt;
                LOG.warn("RabbitMQ at start (try {} of {}), trying again in {} ms: {}", attempt, START_ATTEMPTS, delayMs, describe(cause));
                return vertx.timer(delayMs).compose(v -> attempt(attempt + 1));
              }
              return Future.failedFuture(
                  "RabbitMQ at " + settings.host() + ":" + settings.port() + " (config key 'rabbitmq.host'): " + describe(cause));
            });
  }

  /** One client, connected and set up on one channel, or stopped and failed. */
  private Future<Void> connect() {
    RabbitMQClient candidate =
        RabbitMQClient.create(vertx, settings.clientOptions().setConnectionName(settings.namePrefix() + ": " + name));
    long candidateEpoch = ++epoch;
    return candidate
        .start()
        .compose(
            started -> {
              client = candidate;
              channelInstance = channelInstance(candidate);
              return setup.apply(candidate, candidateEpoch);
            })
        .compose(
            v -> {
              if (closed || epoch != candidateEpoch) {
                return Future.failedFuture("connection closed during its setup");
              }
              if (!healthy(candidate)) {
                return Future.failedFuture("the channel closed during its setup");
              }
              ready = true;
              return Future.<Void>succeededFuture();
            })
        .recover(
            cause -> {
              if (epoch == candidateEpoch) {
                epoch++;
                client = null;
              }
              return candidate.stop().transform(stopped -> Future.<Void>failedFuture(cause));
            });
  }

  private static String describe(Throwable cause) {
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }

  /**
   * Opens a client that does not reconnect by itself and runs {@code setup} on it once: for a
   * consumer that makes a new connection of its own after a loss (the change stream's readers).
   * Tried {@value #START_ATTEMPTS} times like {@link #start}.
   */
  static Future<RabbitMQClient> openOnce(
      Vertx vertx, RabbitSettings settings, java.util.function.Function<RabbitMQClient, Future<Void>> setup) {
    RabbitMQClient[] opened = new RabbitMQClient[1];
    BrokerConnection once =
        new BrokerConnection(vertx, settings, "change stream", (client, epoch) -> setup.apply(client).onSuccess(v -> opened[0] = client), why -> {});
    return once.attempt(1).map(v -> opened[0]);
  }
}
