package io.locus.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQOptions;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a RabbitMQ client that runs {@code setup} on the verticle's context after every
 * (re)connection (declare the topology, set QoS, listen for confirms) and completes once the
 * first setup has finished. The first connection and its setup are tried {@value
 * #START_ATTEMPTS} times, each with a fresh client ({@value #START_RETRY_DELAY_MS} ms, then
 * twice that, apart): a broker on a loaded machine may let an AMQP handshake time out, or
 * refuse a stream's declaration for a moment after it restarted. Then a wrong host stops the
 * node at start; later losses are retried forever every {@code reconnectIntervalMs}.
 */
final class BrokerConnection {
  private static final Logger LOG = LoggerFactory.getLogger(BrokerConnection.class);
  static final int START_ATTEMPTS = 3;
  static final long START_RETRY_DELAY_MS = 1_000;

  private BrokerConnection() {}

  static Future<RabbitMQClient> open(
      Vertx vertx, Context context, RabbitSettings settings, Function<RabbitMQClient, Future<Void>> setup) {
    return open(vertx, context, settings, () -> {}, setup);
  }

  /**
   * As {@link #open(Vertx, Context, RabbitSettings, Function)}, and runs {@code onNewConnection}
   * first on every (re)connection, on the client's connecting thread, before the client
   * re-subscribes its consumers on the new channel. (The client completes a reconnection without
   * waiting for {@code setup}, so consumers may be re-subscribed, and deliver, while it runs.)
   */
  static Future<RabbitMQClient> open(
      Vertx vertx,
      Context context,
      RabbitSettings settings,
      Runnable onNewConnection,
      Function<RabbitMQClient, Future<Void>> setup) {
    return open(vertx, context, settings, settings.clientOptions(), onNewConnection, setup);
  }

  /**
   * As {@link #open(Vertx, Context, RabbitSettings, Function)}, for a client that does not
   * reconnect by itself: once its connection is lost it stays disconnected, and its owner
   * opens a new one. For consumers whose setup must run before they subscribe again.
   */
  static Future<RabbitMQClient> openOnce(
      Vertx vertx, Context context, RabbitSettings settings, Function<RabbitMQClient, Future<Void>> setup) {
    return open(vertx, context, settings, settings.clientOptions().setReconnectAttempts(0), () -> {}, setup);
  }

  private static Future<RabbitMQClient> open(
      Vertx vertx,
      Context context,
      RabbitSettings settings,
      RabbitMQOptions options,
      Runnable onNewConnection,
      Function<RabbitMQClient, Future<Void>> setup) {
    return attempt(vertx, context, settings, options, onNewConnection, setup, 1);
  }

  private static Future<RabbitMQClient> attempt(
      Vertx vertx,
      Context context,
      RabbitSettings settings,
      RabbitMQOptions options,
      Runnable onNewConnection,
      Function<RabbitMQClient, Future<Void>> setup,
      int attempt) {
    RabbitMQClient client = RabbitMQClient.create(vertx, new RabbitMQOptions(options));
    Promise<Void> firstSetup = Promise.promise();
    client.addConnectionEstablishedCallback(
        connected -> {
          onNewConnection.run();
          context.runOnContext(
                v ->
                    setup
                        .apply(client)
                        .onComplete(
                            done -> {
                              if (done.succeeded()) {
                                firstSetup.tryComplete();
                                connected.complete();
                              } else {
                                firstSetup.tryFail(done.cause());
                                connected.fail(done.cause());
                              }
                            }));
        });
    return client
        .start()
        .compose(v -> firstSetup.future())
        .map(client)
        .recover(
            cause ->
                client.stop().transform(stopped -> {
                  String failure = cause.getMessage() == null ? cause.toString() : cause.getMessage();
                  if (attempt < START_ATTEMPTS) {
                    long delayMs = START_RETRY_DELAY_MS * attempt;
                    LOG.warn("RabbitMQ at start (try {} of {}), trying again in {} ms: {}", attempt, START_ATTEMPTS, delayMs, failure);
                    return vertx.timer(delayMs).compose(v -> attempt(vertx, context, settings, options, onNewConnection, setup, attempt + 1));
                  }
                  return Future.failedFuture(
                      "RabbitMQ at " + settings.host() + ":" + settings.port() + " (config key 'rabbitmq.host'): " + failure);
                }));
  }
}
