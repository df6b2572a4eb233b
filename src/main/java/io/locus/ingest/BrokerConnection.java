package io.locus.ingest;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.rabbitmq.RabbitMQClient;
import java.util.function.Function;

/**
 * Opens a RabbitMQ client that runs {@code setup} on the verticle's context after every
 * (re)connection (declare the topology, set QoS, listen for confirms) and completes once the
 * first setup has finished. The first connection must succeed, so a wrong host stops the node
 * at start; later losses are retried forever every {@code reconnectIntervalMs}.
 */
final class BrokerConnection {
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
    RabbitMQClient client = RabbitMQClient.create(vertx, settings.clientOptions());
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
                client.stop().transform(stopped -> Future.failedFuture(
                    "RabbitMQ at " + settings.host() + ":" + settings.port()
                        + " (config key 'rabbitmq.host'): " + cause.getMessage())));
  }
}
