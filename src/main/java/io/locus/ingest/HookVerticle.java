package io.locus.ingest;

import io.locus.common.Addresses;
import io.locus.common.ConsumerRequests;
import io.locus.common.Failure;
import io.locus.common.Operation;
import io.locus.store.FenceStore;
import io.locus.store.LayerStore;
import io.vertx.cassandra.CassandraClient;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.rabbitmq.QueueOptions;
import io.vertx.rabbitmq.RabbitMQClient;
import io.vertx.rabbitmq.RabbitMQConsumer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Webhooks and geofences: every change of a layer POSTed to each of its {@code callback_urls}, at
 * least once, in order for each record, signed with the layer owner's secret; and every change
 * judged against the layer's fences, the fence events streamed and POSTed likewise. One instance runs on every
 * writer node. It consumes the hook shard queues (one copy of the change feed, each shard with a
 * single active consumer in the cluster) and fans each change out to a queue per receiver
 * ({@link HookFanout}), and it delivers the receivers' queues ({@link HookDeliverer}), each again
 * with a single active consumer. It follows a receiver's queue from the first change routed to
 * it on any node (announced on {@link Addresses#HOOK_ENDPOINTS}) and, at start, the queues of
 * every callback URL the layers name.
 *
 * <p>On stop it cancels its consumers (the broker hands the queues to another node) and closes
 * its connection without waiting for attempts in flight: the broker requeues what was not
 * settled, so a delivery may be sent twice, never lost.
 */
public final class HookVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(HookVerticle.class);

  private final RabbitSettings rabbit;
  private final CassandraClient cassandra;
  private final HookSettings settings;
  private final String linkBaseUrl;
  private final QueueTopology topology;
  private volatile boolean stopping;
  private final List<RabbitMQConsumer> shardConsumers = new ArrayList<>();
  /** Receiver queues declared on the current connection. */
  private final Set<String> declared = new HashSet<>();
  private ConfirmedPublisher publisher;
  private BrokerConnection connection;
  private Deliveries deliveries;
  private HookDeliverer deliverer;
  private HookFanout fanout;
  private LayerStore layers;

  /**
   * The webhooks of a node with {@code rabbit}'s broker, reading layers through {@code
   * cassandra}; the records they carry link to {@code linkBaseUrl}.
   */
  public HookVerticle(
      RabbitSettings rabbit, CassandraClient cassandra, HookSettings settings, String linkBaseUrl) {
    this.rabbit = rabbit;
    this.linkBaseUrl = linkBaseUrl;
    this.cassandra = cassandra;
    this.settings = settings;
    this.topology = new QueueTopology(rabbit);
  }

  @Override
  public Future<?> start() {
    publisher = new ConfirmedPublisher(vertx, rabbit, "webhooks' publishes", topology::declare);
    connection = new BrokerConnection(vertx, rabbit, "webhooks' deliveries", this::setUp, why -> shardConsumers.clear());
    deliveries = new Deliveries(connection);
    return Future.all(LayerStore.prepare(cassandra), FenceStore.prepare(cassandra))
        .compose(
            stores -> {
              layers = stores.resultAt(0);
              FenceStore fences = stores.resultAt(1);
              deliverer = new HookDeliverer(vertx, topology, settings, deliveries, publisher, this::secretOf, () -> stopping);
              fanout = new HookFanout(vertx, layers, fences, publisher, topology, deliveries, linkBaseUrl, this::endpoint, () -> stopping);
              vertx.eventBus().<String>consumer(Addresses.FENCES_CHANGED, changed -> fanout.fencesChanged(changed.body()));
              vertx.eventBus().<String>consumer(Addresses.HOOK_ENDPOINTS, announced -> follow(announced.body()));
              return publisher.start();
            })
        .compose(v -> connection.start());
  }

  /**
   * A new connection, in order: declare, set the prefetch, subscribe to the hook shard queues,
   * then follow the receivers' queues of every callback URL the layers name.
   */
  private Future<Void> setUp(RabbitMQClient client, long epoch) {
    declared.clear();
    shardConsumers.clear();
    Future<Void> subscribed =
        topology
            .declare(client)
            .compose(v -> client.basicQos(settings.inFlight()))
            .onSuccess(v -> deliverer.connected(client, epoch));
    for (int shard = 0; shard < topology.shards(); shard++) {
      int n = shard;
      subscribed =
          subscribed.compose(
              v ->
                  client
                      .basicConsumer(topology.hookShardQueue(n), new QueueOptions().setAutoAck(false))
                      .map(
                          consumer -> {
                            shardConsumers.add(consumer);
                            TurnTaking.handle(
                                vertx,
                                consumer,
                                ShardConsumers.MESSAGES_PER_TURN,
                                deliveries.subscribed(epoch, message -> fanout.onMessage(n, message)));
                            return null;
                          }));
    }
    return subscribed.onSuccess(
        v ->
            layers
                .callbackUrls()
                .onSuccess(urls -> urls.forEach(url -> follow(HookDelivery.endpointOf(url))))
                .onFailure(cause -> LOG.warn("cannot read the layers' callback URLs: {}", cause.toString())));
  }

  /**
   * Makes sure receiver {@code endpoint}'s queue exists before a delivery is routed to it, and
   * has every node follow it (once per connection).
   */
  private Future<Void> endpoint(String endpoint) {
    if (declared.contains(endpoint)) {
      return Future.succeededFuture();
    }
    RabbitMQClient client = connection.client();
    if (client == null) {
      return Future.failedFuture(Failure.unavailable("message broker unavailable"));
    }
    return topology
        .declareHookEndpoint(client, endpoint)
        .onSuccess(
            v -> {
              declared.add(endpoint);
              vertx.eventBus().publish(Addresses.HOOK_ENDPOINTS, endpoint);
            });
  }

  private Future<Void> follow(String endpoint) {
    HookDeliverer current = deliverer;
    if (current == null || stopping) {
      return Future.succeededFuture();
    }
    return current.follow(endpoint).onFailure(cause -> LOG.warn("cannot follow webhook receiver queue {}: {}", endpoint, cause.toString()));
  }

  private Future<String> secretOf(String owner) {
    return vertx
        .eventBus()
        .<JsonObject>request(
            ConsumerRequests.GET.address(),
            new ConsumerRequests.Key(owner).toJson(),
            new DeliveryOptions().addHeader(Operation.HEADER, ConsumerRequests.GET.action()))
        .map(reply -> reply.body().getString("secret"));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    List<Future<Void>> cancelled = new ArrayList<>();
    if (connection != null && connection.ready()) {
      for (RabbitMQConsumer consumer : shardConsumers) {
        cancelled.add(vertx.<Future<Void>>executeBlocking(consumer::cancel).compose(f -> f));
      }
    }
    if (deliverer != null) {
      cancelled.add(deliverer.cancelAll());
    }
    // No drain: an attempt may wait on a slow receiver or a name lookup for a long while, and
    // whatever is not acknowledged when the channel closes goes back to its queue, to be sent again.
    return Future.join(cancelled)
        .transform(
            v ->
                Future.join(
                    connection == null ? Future.succeededFuture() : connection.close(),
                    publisher == null ? Future.succeededFuture() : publisher.close()));
  }
}
