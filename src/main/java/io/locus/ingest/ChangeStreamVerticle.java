package io.locus.ingest;

import io.locus.common.Addresses;
import io.locus.feed.ChangeEvent;
import io.locus.feed.RecentChanges;
import io.locus.feed.ReplayRequest;
import io.locus.feed.StreamedChange;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQMessage;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An API node's view of the change stream (one instance per node): it consumes the broker's
 * stream of changes ({@link QueueTopology#changeStream}) from its tail and publishes each change
 * on the node's event bus to the subscribers of its layer ({@link Addresses#changesOf}), with its
 * stream offset; and it replays a layer's changes from an offset for a subscriber resuming with
 * {@code Last-Event-ID} ({@link Addresses#CHANGES_REPLAY}), through a consumer that starts at
 * that offset, on a connection of the replay's own which is closed when the replay is done.
 * Closing the connection, not cancelling the consumer, ends a replay: a stream consumer cancelled
 * while the stream is busy may still be sent a delivery after the broker confirmed the cancel,
 * which the RabbitMQ client takes for a protocol error that closes the whole connection (the
 * live tail's with it). Offsets are the broker's, so a client may resume on any node. The feed is
 * at-least-once (a change whose confirm came late is published again): a repeat of one of the
 * last changes passed on is passed over ({@link RecentChanges}), live and in each replay.
 *
 * <p>When the connection to the broker is lost, changes may be missed, so every subscriber is
 * told ({@link Addresses#CHANGES_INTERRUPTED}) and closes its stream; clients resume from their
 * last event. The verticle then connects again with a new client: a stream consumer needs its
 * prefetch set before it subscribes, which a client re-subscribing by itself would not do.
 */
public final class ChangeStreamVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChangeStreamVerticle.class);
  private static final long CONNECTION_CHECK_MS = 500;
  /** Changes in flight to each stream consumer (the broker requires a limit for streams). */
  private static final int PREFETCH = 500;
  private static final String OFFSET_HEADER = "x-stream-offset";
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final RabbitSettings settings;
  private final QueueTopology topology;
  /** Replays under way, by the address they deliver to. */
  private final Map<String, Replay> replays = new HashMap<>();
  private final RecentChanges recentLive = new RecentChanges(RecentChanges.DEFAULT_KEPT);
  private RabbitMQClient client;
  private boolean connecting;
  private boolean stopping;
  /** The offset of the last change read from the tail; -1 before the first. */
  private long lastOffset = -1;

  /** The change stream of a node connecting with {@code settings}. */
  public ChangeStreamVerticle(RabbitSettings settings) {
    this.settings = settings;
    this.topology = new QueueTopology(settings);
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<ReplayRequest>localConsumer(Addresses.CHANGES_REPLAY, this::replay);
    vertx.eventBus().<String>localConsumer(Addresses.CHANGES_REPLAY_CANCEL, request -> cancel(request.body()));
    vertx.setPeriodic(CONNECTION_CHECK_MS, t -> noticeLoss());
    return connect();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    List.copyOf(replays.keySet()).forEach(this::cancel);
    return client == null ? Future.succeededFuture() : client.stop();
  }

  private Future<Void> connect() {
    connecting = true;
    return BrokerConnection.openOnce(vertx, settings, this::tail)
        .onComplete(done -> connecting = false)
        .onSuccess(
            connected -> {
              client = connected;
              LOG.info("change stream following {}", topology.changeStream());
            })
        .mapEmpty();
  }

  /**
   * Declares the stream (and the feed's exchange), then consumes it: from its next change the
   * first time, and after a lost connection from the change after the last one this node saw,
   * so that changes written while it reconnected come live too (a resume that starts after the
   * last change seen is answered from the live tail, which must therefore have no gap). A
   * stream just restarted with the broker may refuse its declaration for a moment: the
   * connection then fails and is tried again.
   */
  private Future<Void> tail(RabbitMQClient connection) {
    Object start = lastOffset >= 0 ? lastOffset + 1 : "next";
    return topology
        .declareChangeStream(connection)
        .compose(v -> connection.basicQos(PREFETCH))
        .compose(v -> connection.basicConsumer(topology.changeStream(), from(start)))
        .map(
            consumer -> {
              consumer.handler(message -> live(connection, message));
              return null;
            });
  }

  private void live(RabbitMQClient connection, RabbitMQMessage message) {
    connection.basicAck(message.envelope().getDeliveryTag(), false);
    long offset = offset(message);
    if (offset < 0) {
      return;
    }
    lastOffset = offset;
    if (!recentLive.firstTime(message.body())) {
      return;
    }
    ChangeEvent change = change(message);
    if (change != null && change.kind() != ChangeEvent.Kind.PURGE) {
      vertx.eventBus().publish(Addresses.changesOf(change.layer()), new StreamedChange(offset, change), LOCAL);
    }
  }

  /**
   * Starts a replay, and answers once it has started (or has nothing to replay), with the offset
   * it ends at; 503 when it cannot start. A replay cancelled while its consumer was starting is
   * cancelled as soon as it has started.
   */
  private void replay(Message<ReplayRequest> request) {
    ReplayRequest asked = request.body();
    long until = lastOffset;
    if (client == null || !client.isConnected()) {
      request.fail(503, "the change stream is reconnecting to the broker");
      return;
    }
    if (until >= 0 && asked.from() > until) {
      request.reply(until); // nothing to replay: everything after the resume point comes live
      return;
    }
    Replay replay = new Replay(asked, until);
    replays.put(asked.deliverTo(), replay);
    BrokerConnection.openOnce(
            vertx,
            settings,
            connection ->
                connection
                    .basicQos(PREFETCH)
                    .compose(v -> connection.basicConsumer(topology.changeStream(), from(asked.from())))
                    .map(
                        consumer -> {
                          consumer.handler(message -> replay.deliver(connection, message));
                          return null;
                        }))
        .onSuccess(
            connection -> {
              replay.connection = connection;
              if (replay.done) {
                connection.stop(); // cancelled, or caught up, while it was connecting
              }
              request.reply(until);
            })
        .onFailure(
            cause -> {
              replays.remove(asked.deliverTo());
              request.fail(503, "could not replay the changes of " + asked.layer() + ": " + cause.getMessage());
            });
  }

  /** Ends the replay to {@code deliverTo}, started or starting. */
  private void cancel(String deliverTo) {
    Replay replay = replays.remove(deliverTo);
    if (replay != null) {
      replay.end();
    }
  }

  /** One subscriber's replay: the changes of its layer from its resume point up to the live tail's offset when it asked. */
  private final class Replay {
    private final ReplayRequest asked;
    private final long until;
    private final RecentChanges recent = new RecentChanges(RecentChanges.DEFAULT_KEPT);
    private RabbitMQClient connection;
    private boolean done;

    Replay(ReplayRequest asked, long until) {
      this.asked = asked;
      this.until = until;
    }

    void deliver(RabbitMQClient from, RabbitMQMessage message) {
      from.basicAck(message.envelope().getDeliveryTag(), false);
      long offset = offset(message);
      if (done || offset < asked.from()) {
        return;
      }
      ChangeEvent change = recent.firstTime(message.body()) ? change(message) : null;
      if (change != null && change.kind() != ChangeEvent.Kind.PURGE && change.layer().equals(asked.layer())) {
        vertx.eventBus().send(asked.deliverTo(), new StreamedChange(offset, change), LOCAL);
      }
      if (until >= 0 && offset >= until) {
        vertx.eventBus().send(asked.deliverTo(), StreamedChange.caughtUp(offset), LOCAL);
        cancel(asked.deliverTo());
      }
    }

    /** Stops delivering and closes the replay's connection (once it has one). */
    void end() {
      done = true;
      if (connection != null) {
        connection.stop();
      }
    }
  }

  /** Tells every subscriber the stream was interrupted, then connects again. */
  private void noticeLoss() {
    if (stopping || connecting || client == null || client.isConnected()) {
      return;
    }
    LOG.warn("change stream lost its broker connection: subscribers are closed and resume from their last event");
    vertx.eventBus().publish(Addresses.CHANGES_INTERRUPTED, "the change stream lost its broker connection: resume from the last event", LOCAL);
    List.copyOf(replays.keySet()).forEach(this::cancel);
    RabbitMQClient lost = client;
    client = null;
    lost.stop().onComplete(stopped -> reconnect());
  }

  private void reconnect() {
    if (stopping) {
      return;
    }
    connect().onFailure(cause -> vertx.setTimer(settings.reconnectIntervalMs(), t -> reconnect()));
  }

  private static QueueOptions from(Object offset) {
    QueueOptions options = new QueueOptions().setAutoAck(false);
    options.setConsumerArguments(Map.of(OFFSET_HEADER, offset));
    return options;
  }

  private static long offset(RabbitMQMessage message) {
    Object offset = message.properties().getHeaders() == null ? null : message.properties().getHeaders().get(OFFSET_HEADER);
    return offset instanceof Number number ? number.longValue() : -1;
  }

  private static ChangeEvent change(RabbitMQMessage message) {
    try {
      return ChangeEvent.fromBuffer(message.body());
    } catch (IllegalArgumentException malformed) {
      LOG.warn("ignoring a malformed change event: {}", malformed.getMessage());
      return null;
    }
  }
}
